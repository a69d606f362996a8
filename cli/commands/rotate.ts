/**
 * `keyplane rotate <consumer>`: starts a rotation now (RotateSecret) and follows it until
 * AWSCURRENT moves to a new version, with progress on stderr. The outgoing key stays enabled
 * for the consumer's grace period, as in a scheduled rotation.
 */
import { DescribeSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { findConsumer } from '../consumer-lookup';
import { CliError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import type { Session } from '../session';
import { readStatus } from '../status';

export interface RotateOptions {
  /** Seconds to wait for AWSCURRENT to move. @default 300 */
  readonly timeout: number;
}

/** Default of --timeout, in seconds. */
export const DEFAULT_ROTATE_TIMEOUT_SECONDS = 300;
/** Pause between two looks at the secret's stages. */
const POLL_MS = 2000;
/** Looks at the stages without the new version before the rotation counts as refused. */
const REFUSED_AFTER_LOOKS = 3;

export async function rotateCommand(
  session: Session,
  name: string,
  options: RotateOptions
): Promise<ExitCodeValue> {
  const { io, runtime, clients } = session;
  const before = await findConsumer(session, name);
  const started = runtime.now().getTime();
  const elapsed = () => `${Math.round((runtime.now().getTime() - started) / 1000)}s`;
  io.err(
    `rotating ${before.consumer} (${before.secretName}); current key ${before.current?.keyId ?? '(none)'}`
  );
  const rotation = await clients.secretsManager.send(
    new RotateSecretCommand({ SecretId: before.secretArn, RotateImmediately: true })
  );
  io.err(`  [${elapsed()}] rotation started: new version ${rotation.VersionId ?? '(unknown)'}`);

  let reported = '';
  let unseen = 0;
  for (;;) {
    const stages =
      (await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: before.secretArn })))
        .VersionIdsToStages ?? {};
    const staged = (stage: string) => Object.keys(stages).find((v) => stages[v].includes(stage));
    const current = staged('AWSCURRENT');
    if (current !== undefined && current !== before.currentVersion) {
      io.err(`  [${elapsed()}] AWSCURRENT moved to version ${current}`);
      break;
    }
    const pending = staged('AWSPENDING');
    // The function refuses a rotation by taking AWSPENDING off its version (admission.ts): gone
    // after it was seen, or never seen in REFUSED_AFTER_LOOKS looks, it was refused.
    if (rotation.VersionId !== undefined && (stages[rotation.VersionId] ?? []).length === 0) {
      if (reported === rotation.VersionId || ++unseen >= REFUSED_AFTER_LOOKS)
        throw rotationRefused(before.consumer, before.rotationFunction, before.lastRotated);
    }
    if (pending !== undefined && pending !== current && pending !== reported) {
      io.err(
        `  [${elapsed()}] AWSPENDING staged on version ${pending}: new key being issued and tested`
      );
      reported = pending;
    }
    if (runtime.now().getTime() - started >= options.timeout * 1000)
      throw new CliError(
        `the rotation of ${before.consumer} did not finish within ${options.timeout}s: AWSCURRENT ` +
          `is still version ${current ?? '(none)'}${pending ? `, AWSPENDING on ${pending}` : ''}. ` +
          `Read the rotation function's log (/aws/lambda/${functionName(before.rotationFunction)}) ` +
          'and run `keyplane doctor`',
        ExitCode.FAILURE,
        'rotation-timeout'
      );
    await runtime.sleep(POLL_MS);
  }

  const after = (await readStatus(clients, before.service, { now: runtime.now() })).find(
    (s) => s.secretArn === before.secretArn
  );
  const result = {
    consumer: before.consumer,
    service: before.service,
    secretName: before.secretName,
    previousKeyId: before.current?.keyId ?? null,
    keyId: after?.current?.keyId ?? null,
    versionId: after?.currentVersion ?? null,
    previousKeyRetireAfter:
      after?.retiring.find((k) => k.keyId === before.current?.keyId)?.retireAfter ?? null,
    seconds: Math.round((runtime.now().getTime() - started) / 1000),
  };
  session.print(result, () =>
    [
      `${result.consumer}: rotated in ${result.seconds}s; key ${result.previousKeyId ?? '(none)'} -> ${result.keyId ?? '(missing: run keyplane doctor)'}`,
      ...(result.previousKeyId
        ? [
            `  ${result.previousKeyId} stays enabled until ${result.previousKeyRetireAfter ?? '(not scheduled)'}`,
          ]
        : []),
    ].join('\n')
  );
  return result.keyId === null ? ExitCode.FAILURE : ExitCode.OK;
}

/**
 * The function removed the new version's AWSPENDING without moving AWSCURRENT: it refused the
 * rotation (admission.ts), within the consumer's rotate cool-down or beyond the key budget.
 */
function rotationRefused(
  consumer: string,
  rotationFunction: string | undefined,
  lastRotated: Date | undefined
): CliError {
  return new CliError(
    `the rotation function refused to rotate ${consumer}: its last rotation completed at ` +
      `${lastRotated?.toISOString() ?? '(never)'}, and either the consumer already got ` +
      'maxLiveKeys (default 2) new keys within its rotateCoolDown (default 15m), or the service ' +
      'holds its whole keyBudget. The function log ' +
      `(/aws/lambda/${functionName(rotationFunction)}) names the time left and the setting; ` +
      'try again after it, or have the deployer lower rotateCoolDown. Nothing was changed',
    ExitCode.FAILURE,
    'rotation-refused'
  );
}

/** The function name of a Lambda ARN, for log group names. */
export function functionName(arn: string | undefined): string {
  return arn?.split(':').at(6) ?? '(no rotation function)';
}
