/**
 * The quota carry of finishSecret (quota-carry.ts): the new key starts from the outgoing key's
 * remaining quota, and the calls it adds per rotation.
 */
import { SecretTag, type PlanQuotaPolicy } from '../../../contract';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { revoke } from '../../../lambdas/rotation/revoke';
import { createSecret } from '../../../lambdas/rotation/steps/create-secret';
import { finishSecret } from '../../../lambdas/rotation/steps/finish-secret';
import { setSecret } from '../../../lambdas/rotation/steps/set-secret';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  envFromPolicyTags,
  NOW,
  seedConsumer,
  stepContext,
  testRuntime,
  TOKEN,
  TOKEN_2,
} from './support/fixtures';

const fake = new FakeAws();
const TODAY = NOW.toISOString().slice(0, 10);
let secret: FakeSecret;
let env: RotationEnv;

/** The quotas of the plans that have one: the fake's plans and the deployer's document agree. */
const QUOTAS: readonly PlanQuotaPolicy[] = [
  { planId: 'planmonth', limit: 10_000, period: 'MONTH', offset: 0 },
  { planId: 'planday', limit: 500, period: 'DAY', offset: 0 },
];

/**
 * A consumer whose deployed policy (and informative tags) say `tags`; its document declares the
 * quotas of those of its plans that have one, as the constructs write it.
 */
function declared(tags: Record<string, string>): FakeSecret {
  const planIds = tags[SecretTag.USAGE_PLANS].split(' ');
  const planQuotas = QUOTAS.filter((quota) => planIds.includes(quota.planId));
  env = envFromPolicyTags(tags, {}, planQuotas.length === 0 ? {} : { planQuotas });
  return seedConsumer(fake, { tags });
}

async function rotateTo(token: string): Promise<string> {
  fake.startRotation(secret, token);
  const { keyId } = await createSecret(await stepContext(testRuntime({ env }), secret, token));
  await setSecret(await stepContext(testRuntime({ env }), secret, token));
  await finishSecret(await stepContext(testRuntime({ env }), secret, token));
  return keyId;
}

function resetFake(): void {
  fake.reset();
  for (const { planId, limit, period } of QUOTAS) fake.addPlan(planId, { limit, period });
}

beforeEach(resetFake);

describe('quota carry at finishSecret', () => {
  test("sets the new key's remaining quota in each plan from the outgoing key's, and counts its calls", async () => {
    // GIVEN a consumer in two plans with quotas and one without, 3000 and 100 requests spent
    secret = declared({ [SecretTag.USAGE_PLANS]: 'planmonth planday plangold' });
    const first = await rotateTo(TOKEN);
    fake.addTraffic('planmonth', first, 3000);
    fake.addTraffic('planday', first, 100);
    fake.clearCalls();

    // WHEN the next rotation finishes
    const second = await rotateTo(TOKEN_2);

    // THEN the new key starts with the follower's share of the pool: 10% (the default slack)
    // of the limit, at most what the period has left
    expect(fake.remainingAt('planmonth', second, TODAY)).toBe(1000);
    expect(fake.remainingAt('planday', second, TODAY)).toBe(50);
    expect(fake.remainingAt('planmonth', first, TODAY)).toBe(7000); // the consumer is still on it
    // Added per rotation: per plan with a quota GetUsage + UpdateUsage, and the new key's proof
    // (GetSecretValue + VerifyMac); the quotas come from the document, so no GetUsagePlans.
    expect(fake.callCounts()).toMatchObject({ GetUsage: 2, UpdateUsage: 2 });
    expect(fake.callCounts().GetUsagePlans).toBeUndefined();
  });

  test('a consumer without quotas, or with carryQuota false, pays no call for the carry', async () => {
    secret = declared({ [SecretTag.USAGE_PLANS]: 'plangold' });
    await rotateTo(TOKEN);
    fake.clearCalls();
    await rotateTo(TOKEN_2);
    const withCarry = fake.callCounts();
    expect(withCarry.GetUsage).toBeUndefined();

    resetFake();
    // a plan with a declared quota, but carryQuota false
    secret = declared({ [SecretTag.USAGE_PLANS]: 'planday', [SecretTag.CARRY_QUOTA]: 'false' });
    await rotateTo(TOKEN);
    fake.clearCalls();
    await rotateTo(TOKEN_2);
    const without = fake.callCounts();

    expect(withCarry).toEqual(without);
    expect(withCarry.GetUsagePlans).toBeUndefined();
  });

  test('a revoke (no grace period) gives the new key the whole pool: the old key stops at once', async () => {
    secret = declared({ [SecretTag.USAGE_PLANS]: 'planday' });
    const first = await rotateTo(TOKEN);
    fake.addTraffic('planday', first, 120);

    const result = await revoke(testRuntime({ env }), secret.arn);

    expect(fake.remainingAt('planday', result.keyId!, TODAY)).toBe(380);
    expect(fake.keys.get(first)?.enabled).toBe(false);
  });

  test('a failing carry does not stop the rotation: the sweep shares the quota later', async () => {
    secret = declared({ [SecretTag.USAGE_PLANS]: 'planmonth' });
    await rotateTo(TOKEN);
    fake.failNext('GetUsage', new Error('throttled'));

    const second = await rotateTo(TOKEN_2);

    expect(fake.currentValue(secret)).toMatchObject({ keyId: second });
  });
});
