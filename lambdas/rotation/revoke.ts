/**
 * Revoke: for a leaked key, which may be any key the consumer still has enabled — the current
 * one or one in its grace period. Without a key id it rotates the consumer now (in-process,
 * grace 0), then takes every other enabled key of the consumer out of its plans and disables it
 * at once. With a key id it disables that one key, rotating first when it is the current key.
 * The sweep deletes revoked keys after the delete period, so a mistaken revoke can be undone.
 *
 * Only keys the function can prove it made are touched (ownership.ts); an enabled key tagged
 * as the consumer's that fails the proof is reported in the answer and left alone. A rotation
 * already in progress (a version staged AWSPENDING) fails the revoke with a clear message
 * instead of racing Secrets Manager for the same version. Rotation need not be enabled on the
 * secret: a leak is handled regardless of the schedule.
 */
import type { RevokeResult } from '../../contract/events';
import { readConsumerPolicy, type ConsumerPolicy } from './consumer-policy';
import { revokeCoolDownLeft, revokeVersionId } from './cool-down';
import {
  coolingDown,
  keyNotOfConsumer,
  keyNotProven,
  RotationError,
  rotationAlreadyRunning,
  secretNotFound,
  stepFailed,
} from './errors';
import { refuseBeyondKeyBudget } from './key-budget';
import { createLogger } from './log';
import type { ManagedKey } from './managed-key';
import { assertManaged } from './managed-secret';
import { retireKey } from './retire';
import { rotateNow } from './rotate-now';
import type { Runtime } from './runtime';
import { rotationInProgress, Stage, versionStagedAs, type SecretState } from './secret-store';

const log = createLogger('revoke');

export type { RevokeResult } from '../../contract/events';

export interface RevokeOptions {
  /**
   * Revoke this one key of the consumer only.
   *
   * @default - every enabled key of the consumer, after issuing a new one
   */
  readonly keyId?: string;
}

export async function revoke(
  runtime: Runtime,
  secretId: string,
  options: RevokeOptions = {}
): Promise<RevokeResult> {
  try {
    const secret = await runtime.secrets.describe(secretId);
    if (secret === undefined) throw secretNotFound(secretId, 'revoke');
    assertManaged(secret, runtime, secretId, 'revoke');
    const inProgress = rotationInProgress(secret);
    if (inProgress !== undefined) throw rotationAlreadyRunning(secretId, inProgress);
    const policy = readConsumerPolicy(runtime, secret, 'revoke');
    const { keys, ownership, env } = runtime;
    const listed = await keys.listAll();
    const tagged = listed.filter(
      (key) => key.secretArn === secret.arn && key.service === env.service
    );
    /** Issues the consumer a new key, within its revoke cool-down and the key budget. */
    const issue = async () => {
      await admitRevoke(runtime, secret, policy, tagged, listed);
      return rotateNow(runtime, secret, policy, 0, revokeVersionId());
    };

    let targets: ManagedKey[];
    let unproven: ManagedKey[] = [];
    let rotation: { versionId: string; keyId: string } | undefined;
    if (options.keyId !== undefined) {
      const named = tagged.find((key) => key.id === options.keyId);
      if (named === undefined) throw keyNotOfConsumer(secret.arn, options.keyId);
      if (!(await ownership.ownsKey(named, 'revoke'))) throw keyNotProven(secret.arn, named.id);
      if (named.secretVersion === versionStagedAs(secret, Stage.CURRENT)) {
        rotation = await issue();
      }
      targets = named.enabled ? [named] : [];
    } else {
      rotation = await issue();
      const enabled = tagged.filter((key) => key.enabled && key.id !== rotation?.keyId);
      targets = await ownership.ownedOnly(enabled, 'revoke');
      unproven = enabled.filter((key) => !targets.includes(key));
    }

    const revokedKeyIds: string[] = [];
    const deleteAfter = new Date(runtime.now().getTime() + env.deleteAfterSeconds * 1000);
    for (const key of [...targets].sort((a, b) => a.id.localeCompare(b.id))) {
      const planIds = await keys.plansOf(key.id);
      if (await retireKey(keys, { keyId: key.id, planIds, deleteAfter })) {
        revokedKeyIds.push(key.id);
      }
    }
    const result: RevokeResult = {
      secretArn: secret.arn,
      ...(rotation === undefined ? {} : { versionId: rotation.versionId, keyId: rotation.keyId }),
      revokedKeyIds,
      unprovenKeyIds: unproven.map((key) => key.id).sort(),
    };
    log.info('revoked', { ...result });
    return result;
  } catch (error) {
    throw error instanceof RotationError ? error : stepFailed(secretId, 'revoke', error);
  }
}

/** A revoke that issues a key: refused within the revoke cool-down and beyond the key budget. */
async function admitRevoke(
  runtime: Runtime,
  secret: SecretState,
  policy: ConsumerPolicy,
  consumerKeys: readonly ManagedKey[],
  listed: readonly ManagedKey[]
): Promise<void> {
  const left = await revokeCoolDownLeft(runtime, policy, consumerKeys);
  if (left !== undefined) throw coolingDown(secret.arn, 'revoke', left);
  await refuseBeyondKeyBudget(runtime, secret.arn, 'revoke', listed);
}
