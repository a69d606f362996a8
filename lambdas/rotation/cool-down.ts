/**
 * Cool-downs per consumer (contract/blast-radius.ts), decided from what a co-tenant cannot
 * edit:
 *
 * - **rotate**: createSecret of a rotation Secrets Manager started (a schedule, `keyplane
 *   rotate`, anyone's RotateSecret) is refused within `rotateCoolDownSeconds` of the last
 *   completed rotation, DescribeSecret's LastRotatedDate, which only Secrets Manager sets, and
 *   only when a rotation completes. It is read by the preconditions already: no extra call.
 *   The cool-down is under the shortest rotation schedule (4 hours), so a scheduled rotation is
 *   refused only right after an on-demand one. A refused rotation has AWSPENDING removed from
 *   its empty version, so it blocks neither the next rotation nor a revoke.
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
import type { ManagedKey } from './managed-key';
import type { Runtime } from './runtime';
import type { SecretState } from './secret-store';

/** The end of the version id of a revoke's rotation. */
export const REVOKE_VERSION_MARK = '-revoke';

/** A version id for a revoke's rotation: 43 characters, within Secrets Manager's 32-64. */
export function revokeVersionId(): string {
  return `${randomUUID()}${REVOKE_VERSION_MARK}`;
}

/** The rotate cool-down still running for the secret, if any. */
export function rotateCoolDownLeft(
  secret: Pick<SecretState, 'lastRotatedDate'>,
  policy: ConsumerPolicy,
  now: Date
): CoolDownRefusal | undefined {
  const last = secret.lastRotatedDate;
  if (last === undefined) return undefined;
  return leftOf('rotate', policy, last, blastRadiusOf(policy).rotateCoolDownSeconds, now);
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
  const recent = keys
    .filter((key) => key.secretVersion?.endsWith(REVOKE_VERSION_MARK) === true)
    .filter((key) => (key.createdDate?.getTime() ?? 0) > since)
    .sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0));
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
