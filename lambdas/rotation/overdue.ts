/**
 * Which consumers are overdue: their current key has outlived its rotation schedule by more
 * than a margin, whatever the reason (failed rotations, rotation turned off by hand, a schedule
 * Secrets Manager stopped running). The sweep counts them from the listings it already has, so
 * the check costs no AWS call and no resource per consumer; the count is the metric
 * OverdueConsumers, which one alarm watches.
 */
import {
  isScheduleProblem,
  nextRotationAfter,
  parseRotationSchedule,
  SECONDS_PER,
} from '../../contract';
import type { RotationRules, SecretState } from './secret-store';

/** When the first rotation after `from` is due under these rules; undefined when unknown. */
export function nextRotationDue(rules: RotationRules, from: Date): Date | undefined {
  const expression = rules.scheduleExpression;
  if (expression === undefined) {
    const days = rules.automaticallyAfterDays;
    return days === undefined
      ? undefined
      : new Date(from.getTime() + days * SECONDS_PER.day * 1000);
  }
  const schedule = parseRotationSchedule(expression);
  // Secrets Manager accepted it; a schedule the contract cannot read is not counted overdue.
  return isScheduleProblem(schedule) ? undefined : nextRotationAfter(schedule, from);
}

/**
 * True when a consumer with rotation on has gone longer than its schedule plus
 * `marginSeconds` without a new key. Its age counts from its current key's creation, or from
 * the secret's creation while it has no key yet (its first rotation never finished).
 */
export function isOverdue(
  secret: SecretState,
  currentKeyCreated: Date | undefined,
  now: Date,
  marginSeconds: number
): boolean {
  if (!secret.rotationEnabled || secret.deleted || secret.rotationRules === undefined) {
    return false;
  }
  const since = currentKeyCreated ?? secret.createdDate;
  if (since === undefined) return false;
  const due = nextRotationDue(secret.rotationRules, since);
  return due !== undefined && now.getTime() > due.getTime() + marginSeconds * 1000;
}
