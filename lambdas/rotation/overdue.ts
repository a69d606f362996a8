/**
 * Which consumers are overdue: their current key has outlived its rotation schedule by more
 * than a margin, whatever the reason (failed rotations, rotation turned off by hand, a schedule
 * Secrets Manager stopped running). The sweep counts them from the listings it already has, so
 * the check costs no AWS call and no resource per consumer; the count is the metric
 * OverdueConsumers, which one alarm watches.
 */
import awsCronParser from 'aws-cron-parser';
import type { RotationRules, SecretState } from './secret-store';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.+)\)$/;

/** When the first rotation after `from` is due under these rules; undefined when unknown. */
export function nextRotationDue(rules: RotationRules, from: Date): Date | undefined {
  const expression = rules.scheduleExpression;
  if (expression === undefined) {
    const days = rules.automaticallyAfterDays;
    return days === undefined ? undefined : new Date(from.getTime() + days * DAY_MS);
  }
  const rate = RATE.exec(expression);
  if (rate) {
    const unit = rate[2].startsWith('hour') ? HOUR_MS : DAY_MS;
    return new Date(from.getTime() + Number(rate[1]) * unit);
  }
  const cron = CRON.exec(expression);
  if (!cron) return undefined;
  try {
    return awsCronParser.next(awsCronParser.parse(cron[1]), from) ?? undefined;
  } catch {
    return undefined; // Secrets Manager accepted it; a schedule we cannot read is not overdue
  }
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
