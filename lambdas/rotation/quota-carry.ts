/**
 * The quota carry of a rotation: before the new key becomes AWSCURRENT, its remaining quota in
 * each plan with a quota is set from what the outgoing key left of the period's quota, so a
 * rotation does not hand the consumer a fresh quota. With a grace period the outgoing key leads
 * (the consumer is still on it) and the new key gets the follower's share (quota-split.ts); the
 * sweep shares the pool from then on. Without one (a revoke) the new key gets the whole pool.
 *
 * The plans' quotas come from the deployer's policy document (policy.planQuotas, declared at
 * synth): no list call. Calls, when Q of the consumer's plans have a quota (none when Q is 0 or
 * carryQuota is false): GetSecretValue of the pending version and VerifyMac of its proof (the
 * new key is acted on only once proven), and GetUsage + UpdateUsage per such plan (its usage
 * this quota period): 2Q API Gateway calls, one Secrets Manager and one KMS call. Each is
 * idempotent: a finishSecret repeated after a crash carries again from the outgoing key's
 * remaining quota at that time.
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
  const plans = policy.planQuotas ?? [];
  if (plans.length === 0) return [];
  const pending = await secrets.read(ctx.secret.arn, ctx.token);
  if (pending.kind !== 'issued') return [];
  const keyId = pending.value.keyId;
  const subject = { ...originOf(ctx), keyId };
  if (!(await ownership.holds(subject, pending.value.proof, 'quota carry'))) return [];
  const today = utcDay(now());
  const carried: string[] = [];
  const leader = gracePeriodSeconds === 0 ? 'current' : 'outgoing';
  for (const quota of plans) {
    const start = periodStart(today, quota.period);
    const outgoing = await usage.keyDays(quota.planId, outgoingKeyId, start, today);
    const spent = outgoing.used.reduce((total, used) => total + used, 0);
    const split = splitQuota(quota, spent, leader, policy.quotaSlackPercent);
    await usage.setRemaining(quota.planId, keyId, split.current);
    carried.push(quota.planId);
  }
  log.info('carried the remaining quota to the new key', {
    secretArn: ctx.secret.arn,
    keyId,
    outgoingKeyId,
    plans: carried,
  });
  return carried;
}
