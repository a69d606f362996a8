/**
 * The quota carry of a rotation: before the new key becomes AWSCURRENT, its remaining quota in
 * each plan with a quota is set from what the outgoing key left of the period's quota, so a
 * rotation does not hand the consumer a fresh quota. With a grace period the outgoing key leads
 * (the consumer is still on it) and the new key gets the follower's share (quota-split.ts); the
 * sweep shares the pool from then on. Without one (a revoke) the new key gets the whole pool.
 *
 * Calls: GetUsagePlans(keyId) of the outgoing key once (its plans and their quotas); when Q of
 * the consumer's declared plans have a quota, then GetSecretValue of the pending version and
 * VerifyMac of its proof (the new key is acted on only once proven), and GetUsage + UpdateUsage
 * per such plan (its usage this quota period): 1 API Gateway call for a consumer without quotas, 1 + 2Q API Gateway calls,
 * one Secrets Manager and one KMS call otherwise. Each is idempotent: a finishSecret repeated
 * after a crash carries again from the outgoing key's remaining quota at that time.
 */
import type { ConsumerPolicy } from './consumer-policy';
import { createLogger } from './log';
import { periodStart, splitQuota, utcDay } from './quota-split';
import type { StepContext } from './steps/step-context';
import { originOf } from './steps/step-context';

const log = createLogger('quotaCarry');

/** Plans whose remaining quota was carried to the new key. */
export async function carryQuota(
  ctx: StepContext,
  policy: ConsumerPolicy,
  outgoingKeyId: string,
  gracePeriodSeconds: number
): Promise<string[]> {
  if (!policy.carryQuota) return [];
  const { secrets, ownership, usage, now } = ctx.runtime;
  const declared = new Set(policy.usagePlanIds);
  const plans = (await usage.plans(outgoingKeyId)).filter(
    (plan) => plan.quota !== undefined && declared.has(plan.id)
  );
  if (plans.length === 0) return [];
  const pending = await secrets.read(ctx.secret.arn, ctx.token);
  if (pending.kind !== 'issued') return [];
  const keyId = pending.value.keyId;
  const subject = { ...originOf(ctx), keyId };
  if (!(await ownership.holds(subject, pending.value.proof, 'quota carry'))) return [];
  const today = utcDay(now());
  const carried: string[] = [];
  const leader = gracePeriodSeconds === 0 ? 'current' : 'outgoing';
  for (const plan of plans) {
    const quota = plan.quota!;
    const start = periodStart(today, quota.period);
    const outgoing = await usage.keyDays(plan.id, outgoingKeyId, start, today);
    const spent = outgoing.used.reduce((total, used) => total + used, 0);
    const split = splitQuota(quota, spent, leader, policy.quotaSlackPercent);
    await usage.setRemaining(plan.id, keyId, split.current);
    carried.push(plan.id);
  }
  log.info('carried the remaining quota to the new key', {
    secretArn: ctx.secret.arn,
    keyId,
    outgoingKeyId,
    plans: carried,
  });
  return carried;
}
