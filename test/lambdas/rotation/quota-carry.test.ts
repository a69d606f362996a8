/**
 * The quota carry of finishSecret (quota-carry.ts): the new key starts from the outgoing key's
 * remaining quota, and the calls it adds per rotation.
 */
import { SecretTag } from '../../../contract';
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

/** A consumer whose deployed policy (and informative tags) say `tags`. */
function declared(tags: Record<string, string>): FakeSecret {
  env = envFromPolicyTags(tags);
  return seedConsumer(fake, { tags });
}

async function rotateTo(token: string): Promise<string> {
  fake.startRotation(secret, token);
  const { keyId } = await createSecret(await stepContext(testRuntime({ env }), secret, token));
  await setSecret(await stepContext(testRuntime({ env }), secret, token));
  await finishSecret(await stepContext(testRuntime({ env }), secret, token));
  return keyId;
}

beforeEach(() => {
  fake.reset();
  fake.addPlan('planmonth', { limit: 10_000, period: 'MONTH' });
  fake.addPlan('planday', { limit: 500, period: 'DAY' });
});

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
    // Added per rotation: GetUsagePlans(keyId) 1, then per plan with a quota GetUsage +
    // UpdateUsage, and the new key's proof (GetSecretValue + VerifyMac).
    expect(fake.callCounts()).toMatchObject({ GetUsage: 2, UpdateUsage: 2 });
  });

  test('a consumer without quotas pays one call, and carryQuota false none', async () => {
    secret = declared({ [SecretTag.USAGE_PLANS]: 'plangold' });
    await rotateTo(TOKEN);
    fake.clearCalls();
    await rotateTo(TOKEN_2);
    const withCarry = fake.callCounts();
    expect(withCarry.GetUsage).toBeUndefined();

    fake.reset();
    secret = declared({ [SecretTag.USAGE_PLANS]: 'plangold', [SecretTag.CARRY_QUOTA]: 'false' });
    await rotateTo(TOKEN);
    fake.clearCalls();
    await rotateTo(TOKEN_2);
    const without = fake.callCounts();

    expect((withCarry.GetUsagePlans ?? 0) - (without.GetUsagePlans ?? 0)).toBe(1);
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
