/**
 * Cool-downs per consumer (contract/blast-radius.ts), decided from what a co-tenant cannot
 * edit:
 *
 * - **rotate**: a consumer gets at most `maxLiveKeys` new keys within any `rotateCoolDownSeconds`.
 *   createSecret of a rotation Secrets Manager started (a schedule, `keyplane rotate`, anyone's
 *   RotateSecret) within the cool-down of the last completed rotation (DescribeSecret's
 *   LastRotatedDate, which only Secrets Manager sets, and only when a rotation completes: read by
 *   the preconditions already, no extra call) counts the consumer's keys made within the
 *   cool-down, proven by their creation proofs, and is refused when they already number
 *   `maxLiveKeys`. So the first rotate-now after a deploy (whose rotation issued the first key)
 *   goes through with the default cap of 2, a second within the cool-down is refused; keys a
 *   co-tenant plants with the consumer's tags do not count. Only that path lists keys (the
 *   listing the key budget check makes there anyway); a scheduled rotation, long after the
 *   last, makes no list call. The cool-down is under the shortest rotation schedule (4 hours).
 *   A refused rotation has AWSPENDING removed from its empty version, so it blocks neither the
 *   next rotation nor a revoke.
 * - **revoke**: a revoke that issues a key is refused within `revokeCoolDownSeconds` of the
 *   last revoke that did. A revoke's version id ends in {@link REVOKE_VERSION_MARK}; the
 *   keys' creation proofs bind their version id (ownership.ts), so the last revoke is the
 *   newest proven key made for such a version, from the listing revoke makes anyway. A
 *   scheduled or on-demand rotation does not start the revoke cool-down: a revoke right after
 *   one always goes through (a leak does not wait). Revoking one named non-current key issues
 *   nothing and is never refused.
 */
import { randomUUID } from 'crypto';
import type { ConsumerPolicy } from './consumer-policy';
import type { CoolDownRefusal } from './errors';
import { blastRadiusOf } from './live-key-cap';
import { newestFirst, type ManagedKey } from './managed-key';
import type { Runtime } from './runtime';
import type { SecretState } from './secret-store';

/** The end of the version id of a revoke's rotation. */
export const REVOKE_VERSION_MARK = '-revoke';

/** A version id for a revoke's rotation: 43 characters, within Secrets Manager's 32-64. */
export function revokeVersionId(): string {
  return `${randomUUID()}${REVOKE_VERSION_MARK}`;
}

/** True while the secret's last completed rotation is within the consumer's rotate cool-down. */
export function withinRotateCoolDown(
  secret: Pick<SecretState, 'lastRotatedDate'>,
  policy: ConsumerPolicy,
  now: Date
): boolean {
  const last = secret.lastRotatedDate;
  if (last === undefined) return false;
  const coolDown = blastRadiusOf(policy).rotateCoolDownSeconds;
  return leftOf('rotate', policy, last, coolDown, now) !== undefined;
}

/**
 * The rotate cool-down still running, from the keys listed: a refusal when the consumer already
 * has `maxLiveKeys` proven keys made within the cool-down, with the time until the earliest of
 * them leaves it.
 */
export async function rotateCoolDownLeft(
  runtime: Runtime,
  secretArn: string,
  policy: ConsumerPolicy,
  listed: readonly ManagedKey[]
): Promise<CoolDownRefusal | undefined> {
  const { rotateCoolDownSeconds: coolDown, maxLiveKeys } = blastRadiusOf(policy);
  const since = runtime.now().getTime() - coolDown * 1000;
  const recent = newestFirst(
    listed.filter(
      (key) =>
        key.secretArn === secretArn &&
        key.service === runtime.env.service &&
        (key.createdDate?.getTime() ?? 0) > since
    )
  );
  if (recent.length < maxLiveKeys) return undefined;
  let counted = 0;
  for (const key of recent) {
    if (await runtime.ownership.ownsKey(key, 'count for the rotate cool-down')) counted++;
    if (counted === maxLiveKeys) {
      const left = leftOf(
        'rotate',
        policy,
        key.createdDate ?? runtime.now(),
        coolDown,
        runtime.now()
      );
      return left === undefined ? undefined : { ...left, keysCounted: maxLiveKeys };
    }
  }
  return undefined;
}

/**
 * The revoke cool-down still running, from the consumer's keys (listed with their values, so
 * their creation proofs can be checked). Only proven keys count: a key planted with a revoke's
 * version id does not hold up a revoke.
 */
export async function revokeCoolDownLeft(
  runtime: Runtime,
  policy: ConsumerPolicy,
  keys: readonly ManagedKey[]
): Promise<CoolDownRefusal | undefined> {
  const coolDown = blastRadiusOf(policy).revokeCoolDownSeconds;
  const since = runtime.now().getTime() - coolDown * 1000;
  const recent = newestFirst(
    keys
      .filter((key) => key.secretVersion?.endsWith(REVOKE_VERSION_MARK) === true)
      .filter((key) => (key.createdDate?.getTime() ?? 0) > since)
  );
  for (const key of recent) {
    if (await runtime.ownership.ownsKey(key, 'count as a revoke for the cool-down')) {
      return leftOf('revoke', policy, key.createdDate ?? runtime.now(), coolDown, runtime.now());
    }
  }
  return undefined;
}

function leftOf(
  what: CoolDownRefusal['what'],
  policy: ConsumerPolicy,
  last: Date,
  coolDownSeconds: number,
  now: Date
): CoolDownRefusal | undefined {
  const remainingSeconds = Math.ceil(
    (last.getTime() + coolDownSeconds * 1000 - now.getTime()) / 1000
  );
  if (remainingSeconds <= 0) return undefined;
  return { consumer: policy.consumer, what, last, coolDownSeconds, remainingSeconds };
}
