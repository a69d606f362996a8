/**
 * Which secrets belong to this function: a name that starts with KEYPLANE_SECRET_PREFIX and a
 * keyplane:service tag naming this service. Anything else is refused before any work.
 */
import { SecretTag } from '../../contract';
import type { RotationEnv } from './env';
import { secretNotManaged, type Operation } from './errors';
import type { SecretState } from './secret-store';

/** Why the secret is not this function's, or undefined when it is. */
export function whyNotManaged(secret: SecretState, env: RotationEnv): string | undefined {
  if (!secret.name.startsWith(env.secretPrefix)) {
    return `its name does not start with ${env.secretPrefix}`;
  }
  const service = secret.tags[SecretTag.SERVICE];
  if (service !== env.service) {
    return `its ${SecretTag.SERVICE} tag is ${service === undefined ? 'missing' : `not ${env.service}`}`;
  }
  return undefined;
}

/** Throws unless the secret is this function's and not scheduled for deletion. */
export function assertManaged(
  secret: SecretState,
  env: RotationEnv,
  secretId: string,
  operation: Operation
): void {
  const reason = whyNotManaged(secret, env);
  if (reason !== undefined) throw secretNotManaged(secretId, operation, reason);
  if (secret.deleted) throw secretNotManaged(secretId, operation, 'it is scheduled for deletion');
}
