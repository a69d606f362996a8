/**
 * What the sweep does with one managed key — a pure function of the key, its secret and its
 * plan memberships, so every rule is tested without AWS.
 *
 * - The key named by AWSCURRENT is never retired or deleted: it is re-enabled if disabled and
 *   its plans are brought in line with the secret's tags (added and removed).
 * - A key of the AWSPENDING version belongs to a rotation in progress: left alone.
 * - A key whose secret is gone or scheduled for deletion is an orphan: retired now.
 * - Any other key is outgoing: retired once past keyplane:retire-after; one without that tag
 *   (a crashed finishSecret, an abandoned rotation) is given one, now + grace, unless it was
 *   created within the last hour (its version may be newer than the sweep's view).
 * - A disabled key is deleted once past keyplane:delete-after; one without that tag is given
 *   one, now + the delete period.
 *
 * To undo a mistaken retirement within the delete period, stage the key's version AWSCURRENT
 * again: the sweep re-enables it and restores its plans.
 */
import { DEFAULT_GRACE_PERIOD_SECONDS } from '../../contract';
import type { ConsumerPolicy } from './consumer-policy';
import type { ManagedKey } from './managed-key';
import { retirementCost } from './retire';
import { Stage, versionStagedAs, type SecretState } from './secret-store';
import type { QuotaChange } from './traffic-watch';

/** Keys younger than this without a retire-after tag are left for the next sweep. */
export const RECENT_KEY_MS = 60 * 60 * 1000;

/** The secret a key points to, as the sweep sees it. */
export type KeySecret =
  | { readonly kind: 'live'; readonly secret: SecretState; readonly policy?: ConsumerPolicy }
  | { readonly kind: 'gone' };

export type KeepReason =
  'current' | 'pending' | 'in-grace' | 'awaiting-deletion' | 'too-recent' | 'invalid-policy';

export type KeyAction =
  | { readonly kind: 'keep'; readonly reason: KeepReason }
  | {
      readonly kind: 'reconcile';
      readonly enable: boolean;
      readonly addTo: readonly string[];
      readonly removeFrom: readonly string[];
    }
  | {
      readonly kind: 'retire';
      /**
       * quiet and hold-ended: decided from the key's traffic (traffic-decision.ts); over-cap:
       * beyond the consumer's live-key cap (live-key-cap.ts).
       */
      readonly reason: 'expired' | 'orphaned' | 'quiet' | 'hold-ended' | 'over-cap';
      readonly planIds: readonly string[];
      /** Remaining quotas given back to the current key first (traffic-watch.ts). */
      readonly restore?: readonly QuotaChange[];
    }
  | {
      /** An outgoing key kept (in grace or held): its traffic mark and the quota shares. */
      readonly kind: 'watch';
      readonly held: boolean;
      readonly tags: Readonly<Record<string, string>>;
      readonly quota: readonly QuotaChange[];
    }
  | { readonly kind: 'schedule-retirement'; readonly retireAfter: Date }
  | { readonly kind: 'schedule-deletion'; readonly deleteAfter: Date }
  | {
      readonly kind: 'delete';
      /** Beyond the consumer's retained-key cap, before its delete-after (live-key-cap.ts). */
      readonly reason?: 'over-cap';
    };

export function decideKeyAction(
  key: ManagedKey,
  keySecret: KeySecret,
  memberOf: ReadonlySet<string>,
  now: Date,
  deleteAfterSeconds: number
): KeyAction {
  const deleteAfter = new Date(now.getTime() + deleteAfterSeconds * 1000);
  if (keySecret.kind === 'gone') {
    return key.enabled
      ? { kind: 'retire', reason: 'orphaned', planIds: sorted(memberOf) }
      : disabledKeyAction(key, now, deleteAfter);
  }

  const { secret, policy } = keySecret;
  const current = versionStagedAs(secret, Stage.CURRENT);
  if (current !== undefined && key.secretVersion === current) {
    if (policy === undefined) return { kind: 'keep', reason: 'invalid-policy' };
    const declared = new Set(policy.usagePlanIds);
    const addTo = policy.usagePlanIds.filter((planId) => !memberOf.has(planId));
    const removeFrom = sorted(memberOf).filter((planId) => !declared.has(planId));
    if (key.enabled && addTo.length === 0 && removeFrom.length === 0) {
      return { kind: 'keep', reason: 'current' };
    }
    return { kind: 'reconcile', enable: !key.enabled, addTo, removeFrom };
  }

  const stages =
    key.secretVersion === undefined ? undefined : secret.versions.get(key.secretVersion);
  if (stages?.includes(Stage.PENDING)) return { kind: 'keep', reason: 'pending' };

  if (!key.enabled) return disabledKeyAction(key, now, deleteAfter);
  if (key.retireAfter !== undefined) {
    return key.retireAfter.getTime() <= now.getTime()
      ? { kind: 'retire', reason: 'expired', planIds: sorted(memberOf) }
      : { kind: 'keep', reason: 'in-grace' };
  }
  const created = key.createdDate?.getTime() ?? 0;
  if (now.getTime() - created < RECENT_KEY_MS) return { kind: 'keep', reason: 'too-recent' };
  const grace = policy?.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
  return { kind: 'schedule-retirement', retireAfter: new Date(now.getTime() + grace * 1000) };
}

/** Mutating calls an action makes. */
export function actionCost(action: KeyAction): number {
  switch (action.kind) {
    case 'keep':
      return 0;
    case 'reconcile':
      return (action.enable ? 1 : 0) + action.addTo.length + action.removeFrom.length;
    case 'retire':
      return retirementCost(action.planIds) + (action.restore?.length ?? 0);
    case 'watch':
      return (Object.keys(action.tags).length > 0 ? 1 : 0) + action.quota.length;
    case 'schedule-retirement':
    case 'schedule-deletion':
    case 'delete':
      return 1;
  }
}

function disabledKeyAction(key: ManagedKey, now: Date, deleteAfter: Date): KeyAction {
  if (key.deleteAfter === undefined) return { kind: 'schedule-deletion', deleteAfter };
  return key.deleteAfter.getTime() <= now.getTime()
    ? { kind: 'delete' }
    : { kind: 'keep', reason: 'awaiting-deletion' };
}

function sorted(ids: ReadonlySet<string>): string[] {
  return [...ids].sort();
}
