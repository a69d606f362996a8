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
 *
 * A key value lives in every region of its consumer (key-regions.ts): revoking a key revokes the
 * keys of its version in every region the service has keys in, and revoking a consumer revokes
 * its enabled keys in all of them.
 */
import type { RevokeResult } from '../../contract/events';
import type { ApiKeyStore } from './api-key-store';
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
import { serviceRegions } from './key-regions';
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
    const { ownership, env } = runtime;
    const listed = await runtime.keys.listAll();
    const tagged = await consumerKeys(runtime, secret.arn, listed);
    /** Issues the consumer a new key, within its revoke cool-down and the key budget. */
    const issue = async () => {
      const primaryKeys = tagged.filter(({ keys }) => keys === runtime.keys).map(({ key }) => key);
      await admitRevoke(runtime, secret, policy, primaryKeys, listed);
      return rotateNow(runtime, secret, policy, 0, revokeVersionId());
    };

    let candidates: PlacedKey[];
    let rotation: { versionId: string; keyId: string } | undefined;
    if (options.keyId !== undefined) {
      const named = tagged.find(({ key }) => key.id === options.keyId);
      if (named === undefined) throw keyNotOfConsumer(secret.arn, options.keyId);
      if (!(await ownership.ownsKey(named.key, 'revoke'))) {
        throw keyNotProven(secret.arn, named.key.id);
      }
      if (named.key.secretVersion === versionStagedAs(secret, Stage.CURRENT)) {
        rotation = await issue();
      }
      // The same value in every region: the keys of the named key's version.
      candidates = tagged.filter(
        ({ key }) => key.enabled && key.secretVersion === named.key.secretVersion
      );
    } else {
      rotation = await issue();
      candidates = tagged.filter(
        ({ key }) => key.enabled && key.secretVersion !== rotation?.versionId
      );
    }
    const targets: PlacedKey[] = [];
    const unproven: ManagedKey[] = [];
    for (const placed of candidates) {
      if (await ownership.ownsKey(placed.key, 'revoke')) targets.push(placed);
      else unproven.push(placed.key);
    }

    const revokedKeyIds: string[] = [];
    const deleteAfter = new Date(runtime.now().getTime() + env.deleteAfterSeconds * 1000);
    for (const { key, keys } of [...targets].sort((a, b) => a.key.id.localeCompare(b.key.id))) {
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

/** A key and the API Gateway of the region it is in. */
interface PlacedKey {
  readonly key: ManagedKey;
  readonly keys: ApiKeyStore;
}

/**
 * The keys tagged as the secret's: the function's region first (from `primaryListed`, the
 * listing the key budget counts too), then each further region.
 */
async function consumerKeys(
  runtime: Runtime,
  secretArn: string,
  primaryListed: readonly ManagedKey[]
): Promise<PlacedKey[]> {
  const { env } = runtime;
  const listings: { keys: ApiKeyStore; listed: readonly ManagedKey[] }[] = [
    { keys: runtime.keys, listed: primaryListed },
  ];
  for (const region of serviceRegions(env)) {
    const keys = runtime.regions.in(region).keys;
    listings.push({ keys, listed: await keys.listAll() });
  }
  const placed: PlacedKey[] = [];
  for (const { keys, listed } of listings) {
    for (const key of listed) {
      if (key.secretArn === secretArn && key.service === env.service) placed.push({ key, keys });
    }
  }
  return placed;
}
