/**
 * Secrets Manager's rotation protocol: preconditions first, exactly as AWS's own templates check
 * them, then one function per step.
 *
 * - the secret is this function's (name prefix, declared in the deployer's policy) and rotation
 *   is enabled on it;
 * - the token is a version of the secret;
 * - a token already AWSCURRENT means the work is done: return;
 * - a token not staged AWSPENDING is an error.
 */
import { admitRotation } from './admission';
import { withDeployedAdoption } from './adoption';
import { readConsumerPolicy } from './consumer-policy';
import {
  RotationError,
  rotationDisabled,
  secretNotFound,
  stepFailed,
  tokenNotAVersion,
  tokenNotPending,
  type RotationStep,
} from './errors';
import { createLogger } from './log';
import { assertManaged } from './managed-secret';
import type { Runtime } from './runtime';
import { Stage, type SecretState } from './secret-store';
import { createSecret } from './steps/create-secret';
import { finishSecret } from './steps/finish-secret';
import { setSecret } from './steps/set-secret';
import type { StepContext } from './steps/step-context';
import { testSecret } from './steps/test-secret';

const log = createLogger('rotation');

export interface RotationRequest {
  readonly secretId: string;
  readonly token: string;
  readonly step: RotationStep;
}

/** What the invocation did: ran the step, or found the token already AWSCURRENT. */
export type RotationOutcome = 'done' | 'already-current';

export async function rotate(runtime: Runtime, request: RotationRequest): Promise<RotationOutcome> {
  const { secretId, token, step } = request;
  try {
    const secret = await runtime.secrets.describe(secretId);
    if (secret === undefined) throw secretNotFound(secretId, step);
    if (checkPreconditions(runtime, secret, request) === 'already-current') {
      log.info('the version is already AWSCURRENT; nothing to do', {
        step,
        secretArn: secret.arn,
        versionId: token,
      });
      return 'already-current';
    }
    const ctx: StepContext = {
      runtime,
      secret,
      policy: withDeployedAdoption(readConsumerPolicy(runtime, secret, step), runtime.env, secret),
      token,
    };
    switch (step) {
      case 'createSecret':
        await admitRotation(ctx); // cool-down and key budget (admission.ts)
        await createSecret(ctx);
        break;
      case 'setSecret':
        await setSecret(ctx);
        break;
      case 'testSecret':
        await testSecret(ctx);
        break;
      case 'finishSecret':
        await finishSecret(ctx);
        break;
      default: {
        const unknown: never = step;
        throw new RotationError(secretId, unknown, 'unknown step');
      }
    }
    return 'done';
  } catch (error) {
    throw error instanceof RotationError ? error : stepFailed(secretId, step, error);
  }
}

/** Throws for a refused event; tells whether the work is already done. */
export function checkPreconditions(
  runtime: Runtime,
  secret: SecretState,
  request: RotationRequest
): 'proceed' | 'already-current' {
  const { secretId, token, step } = request;
  assertManaged(secret, runtime, secretId, step);
  if (!secret.rotationEnabled) throw rotationDisabled(secretId, step);
  const stages = secret.versions.get(token);
  if (stages === undefined) throw tokenNotAVersion(secretId, step, token);
  if (stages.includes(Stage.CURRENT)) return 'already-current';
  if (!stages.includes(Stage.PENDING)) throw tokenNotPending(secretId, step, token, stages);
  return 'proceed';
}
