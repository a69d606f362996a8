/**
 * The AWS calls that quota carry and traffic-aware retirement (issue 14) add per rotation and per
 * sweep. The function's own code (lambdas/rotation: the four rotation steps, the sweep) runs in
 * this process against the unit tests' stateful fake of Secrets Manager, API Gateway and KMS
 * (aws-sdk-client-mock on the SDK clients), which counts every command sent. Each case runs twice
 * on the same state, with the features on (the defaults) and off (carryQuota false, no quiet
 * period, no hold), for a key in P usage plans of which Q have a quota.
 */
import { DEFAULT_GRACE_PERIOD_SECONDS } from '../contract/policy-rules';
import { ROTATION_STEPS } from '../lambdas/rotation/events';
import { rotate } from '../lambdas/rotation/rotation';
import { sweep } from '../lambdas/rotation/sweep';
import { FakeAws } from '../test/lambdas/rotation/support/fake-aws';
import {
  CHECKOUT_POLICY,
  envWithPolicy,
  NOW,
  PREFIX,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
} from '../test/lambdas/rotation/support/fixtures';

/** A key's plans: `plans` in all, the first `quotas` of them with a monthly quota. */
export interface FeatureCase {
  readonly plans: number;
  readonly quotas: number;
}

/** Calls of one rotation or one sweep, by command. */
export type Calls = Record<string, number>;

export interface FeatureCalls extends FeatureCase {
  /** A regular (not the first) rotation of the key, whose outgoing key has spent quota. */
  readonly rotation: { readonly on: Calls; readonly off: Calls };
  /** A sweep an hour later: the outgoing key in its grace period (24 h) and still used. */
  readonly sweep: { readonly on: Calls; readonly off: Calls };
}

const HOUR_MS = 3600 * 1000;
const QUOTA = { limit: 10_000, period: 'MONTH' as const };
const FEATURES_OFF = { carryQuota: false, quietPeriodSeconds: 0, maxHoldSeconds: 0 };

export const total = (calls: Calls): number => Object.values(calls).reduce((a, b) => a + b, 0);

/** Every case, features on and off; the fake's mocks are removed from the SDK clients after. */
export async function countFeatureCalls(cases: readonly FeatureCase[]): Promise<FeatureCalls[]> {
  const fake = new FakeAws();
  const write = process.stdout.write;
  // The function logs JSON lines to stdout; the bench's output is its own.
  process.stdout.write = () => true;
  try {
    const results: FeatureCalls[] = [];
    for (const c of cases) {
      const on = await rotateAndSweep(fake, c, {});
      const off = await rotateAndSweep(fake, c, FEATURES_OFF);
      results.push({
        ...c,
        rotation: { on: on.rotation, off: off.rotation },
        sweep: { on: on.sweep, off: off.sweep },
      });
    }
    return results;
  } finally {
    process.stdout.write = write;
    for (const mock of [fake.secretsManager, fake.apiGateway, fake.kms]) mock.restore();
  }
}

async function rotateAndSweep(
  fake: FakeAws,
  { plans, quotas }: FeatureCase,
  features: Partial<typeof CHECKOUT_POLICY>
): Promise<{ rotation: Calls; sweep: Calls }> {
  fake.reset();
  const clock = { now: NOW };
  fake.now = () => clock.now;
  const planIds = Array.from({ length: plans }, (_, i) => `plan${i}`);
  planIds.forEach((id, i) => fake.addPlan(id, i < quotas ? QUOTA : undefined));
  const env = envWithPolicy({
    checkout: {
      usagePlanIds: planIds,
      gracePeriodSeconds: DEFAULT_GRACE_PERIOD_SECONDS,
      planQuotas: planIds.slice(0, quotas).map((planId) => ({ planId, ...QUOTA, offset: 0 })),
      ...features,
    },
  });
  const runtime = () => testRuntime({ clock, env });
  const secret = seedConsumer(fake, { name: `${PREFIX}checkout` });
  const rotateTo = async (token: string) => {
    fake.startRotation(secret, token);
    for (const step of ROTATION_STEPS) {
      await rotate(runtime(), { secretId: secret.arn, token, step });
    }
  };
  // The consumer's first key, which then spends part of each quota.
  await rotateTo(TOKEN);
  const first = String(fake.currentValue(secret).keyId);
  for (const planId of planIds.slice(0, quotas)) fake.addTraffic(planId, first, 3_000);
  clock.now = new Date(clock.now.getTime() + 24 * HOUR_MS);

  fake.clearCalls();
  await rotateTo(TOKEN_2);
  const rotation = fake.callCounts();
  fake.addTraffic(planIds[0], first, 10); // the consumer has not moved to the new key yet
  clock.now = new Date(clock.now.getTime() + HOUR_MS);
  fake.clearCalls();
  await sweep(runtime());
  return { rotation, sweep: fake.callCounts() };
}
