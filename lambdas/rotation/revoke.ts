/**
 * Revoke: for a leaked key. Rotates the consumer now (in-process, grace 0), then takes the
 * outgoing key out of its plans and disables it at once; the sweep deletes it after the delete
 * period, so a mistaken revoke can still be undone.
 *
 * A rotation already in progress (a version staged AWSPENDING) fails the revoke with a clear
 * message instead of racing Secrets Manager for the same version: finish or cancel it first.
 * Rotation need not be enabled on the secret: a leak is handled regardless of the schedule.
 * Each revoke rotates again, so repeat one only to issue yet another key.
 */
import type { RevokeResult } from '../../contract/events';
import { readConsumerPolicy } from './consumer-policy';
import { RotationError, rotationAlreadyRunning, secretNotFound, stepFailed } from './errors';
import { createLogger } from './log';
import { assertManaged } from './managed-secret';
import { retireKey } from './retire';
import { rotateNow } from './rotate-now';
import type { Runtime } from './runtime';
import { rotationInProgress } from './secret-store';

const log = createLogger('revoke');

export type { RevokeResult } from '../../contract/events';

export async function revoke(runtime: Runtime, secretId: string): Promise<RevokeResult> {
  try {
    const secret = await runtime.secrets.describe(secretId);
    if (secret === undefined) throw secretNotFound(secretId, 'revoke');
    assertManaged(secret, runtime.env, secretId, 'revoke');
    const inProgress = rotationInProgress(secret);
    if (inProgress !== undefined) throw rotationAlreadyRunning(secretId, inProgress);
    const policy = readConsumerPolicy(secret.arn, secret.tags);
    const rotation = await rotateNow(runtime, secret, policy, 0);
    const result: RevokeResult = {
      secretArn: secret.arn,
      versionId: rotation.versionId,
      keyId: rotation.keyId,
    };
    if (rotation.outgoingKeyId === undefined) {
      log.info('revoked: the consumer had no key to disable', { ...result });
      return result;
    }
    const { keys, now, env } = runtime;
    const revokedKeyId = rotation.outgoingKeyId;
    const retired = await retireKey(keys, {
      keyId: revokedKeyId,
      planIds: await keys.plansOf(revokedKeyId),
      deleteAfter: new Date(now().getTime() + env.deleteAfterSeconds * 1000),
    });
    if (!retired) {
      log.warn('revoked: the outgoing key disappeared before it was disabled', { ...result });
      return result;
    }
    log.info('revoked: new key issued, outgoing key disabled', { ...result, revokedKeyId });
    return { ...result, revokedKeyId };
  } catch (error) {
    throw error instanceof RotationError ? error : stepFailed(secretId, 'revoke', error);
  }
}
