/**
 * The exact AWS calls of a happy-path rotation, per step and in order, for a consumer in P = 1
 * and P = 3 usage plans: at most 2 + P API Gateway calls (CreateApiKey, one CreateUsagePlanKey
 * per plan, the outgoing key's retire-after tag) and no list call. Each step is its own
 * invocation: "cold" gives each step a fresh container (nothing cached), "warm" runs all four in
 * one container, as a busy Lambda does, where versions the function wrote and MACs it made are
 * remembered (secret-store.ts, ownership.ts).
 */
import type { ConsumerPolicy } from '../../../contract';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { ROTATION_STEPS, type RotationStep } from '../../../lambdas/rotation/events';
import { rotate } from '../../../lambdas/rotation/rotation';
import type { Runtime } from '../../../lambdas/rotation/runtime';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  envWithPolicy,
  NOW,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
  TOKEN_3,
  type TestClock,
} from './support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;
/** The deployer's policy document, as the function reads it from its package. */
let env: RotationEnv;

const PLANS = ['plangold', 'planbulk', 'plansilver'];
/**
 * The function's clock. A later rotation runs a schedule's interval after the one before, long
 * after the outgoing key's predecessor was retired: the live-key cap then costs no call.
 */
const clock: TestClock = { now: NOW };
const THIRTY_DAYS_MS = 30 * 86_400_000;
const later = () => (clock.now = new Date(clock.now.getTime() + THIRTY_DAYS_MS));

function seed(plans: number, policy: Partial<ConsumerPolicy> = {}): void {
  clock.now = NOW;
  fake.reset();
  for (const plan of PLANS) fake.addPlan(plan);
  secret = seedConsumer(fake);
  env = envWithPolicy({ checkout: { usagePlanIds: PLANS.slice(0, plans), ...policy } });
}
const coldContainer = () => testRuntime({ env, clock });

/** One rotation, step by step; the calls of each step, in order, as service.operation. */
async function rotation(
  token: string,
  container: () => Runtime
): Promise<Record<RotationStep, string[]>> {
  fake.startRotation(secret, token);
  const calls = {} as Record<RotationStep, string[]>;
  for (const step of ROTATION_STEPS) {
    fake.clearCalls();
    await rotate(container(), { secretId: secret.arn, token, step });
    calls[step] = fake.sequence();
  }
  return calls;
}

const apiGatewayCalls = (calls: Record<RotationStep, string[]>) =>
  Object.values(calls)
    .flat()
    .filter((call) => call.startsWith('apigateway.'));

describe.each([1, 3])('a later rotation of a key in P = %i plans', (plans) => {
  const addToPlans = Array.from({ length: plans }, () => 'apigateway.CreateUsagePlanKey');

  beforeEach(() => seed(plans));

  test('cold (a fresh container per step): exactly these calls', async () => {
    await rotation(TOKEN, coldContainer);
    later();

    const calls = await rotation(TOKEN_2, coldContainer);

    expect(calls).toEqual({
      createSecret: [
        'secretsmanager.DescribeSecret', // preconditions
        'kms.GenerateMac', // the seed of the version's key value
        'kms.GenerateMac', // the creation proof over the value's digest
        'apigateway.CreateApiKey', // the key, its origin tags and creation proof in one call
        'kms.GenerateMac', // the record proof over the key id
        'secretsmanager.PutSecretValue', // the pending version
      ],
      setSecret: [
        'secretsmanager.DescribeSecret',
        'secretsmanager.GetSecretValue', // the key id the version recorded
        'kms.VerifyMac', // ... and its record proof
        ...addToPlans,
      ],
      testSecret: ['secretsmanager.DescribeSecret'], // no health check declared
      finishSecret: [
        'secretsmanager.DescribeSecret',
        'secretsmanager.GetSecretValue', // the outgoing key id
        'kms.VerifyMac', // ... and its record proof
        'apigateway.TagResource', // its retire-after
        'secretsmanager.UpdateSecretVersionStage',
      ],
    });
    // 2 + P: no plan declares a quota, so the quota carry makes no call (quota-carry.ts)
    expect(apiGatewayCalls(calls)).toHaveLength(2 + plans);
  });

  test('warm (one container for every step): the version and the proofs it made are not read again', async () => {
    const runtime = testRuntime({ env, clock });
    await rotation(TOKEN, () => runtime);
    later();

    const calls = await rotation(TOKEN_2, () => runtime);

    expect(calls).toEqual({
      createSecret: [
        'secretsmanager.DescribeSecret',
        'kms.GenerateMac',
        'kms.GenerateMac',
        'apigateway.CreateApiKey',
        'kms.GenerateMac',
        'secretsmanager.PutSecretValue',
      ],
      setSecret: ['secretsmanager.DescribeSecret', ...addToPlans],
      testSecret: ['secretsmanager.DescribeSecret'],
      finishSecret: [
        'secretsmanager.DescribeSecret',
        'apigateway.TagResource',
        'secretsmanager.UpdateSecretVersionStage',
      ],
    });
    expect(apiGatewayCalls(calls)).toHaveLength(2 + plans);
  });
});

test('a first rotation (the placeholder outgoing, no key to retire) makes 1 + P API Gateway calls', async () => {
  seed(3);

  const calls = await rotation(TOKEN, coldContainer);

  expect(calls.finishSecret).toEqual([
    'secretsmanager.DescribeSecret',
    'secretsmanager.GetSecretValue', // the placeholder: nothing to retire
    'secretsmanager.UpdateSecretVersionStage',
  ]);
  expect(apiGatewayCalls(calls)).toEqual([
    'apigateway.CreateApiKey',
    'apigateway.CreateUsagePlanKey',
    'apigateway.CreateUsagePlanKey',
    'apigateway.CreateUsagePlanKey',
  ]);
});

test('with a health check, testSecret reads the pending value it sends, and nothing from API Gateway', async () => {
  seed(1, { healthCheckUrl: 'https://api.example.com/health' });
  const container = () => testRuntime({ env, httpGet: () => Promise.resolve({ status: 200 }) });

  const calls = await rotation(TOKEN, container);

  expect(calls.testSecret).toEqual([
    'secretsmanager.DescribeSecret',
    'secretsmanager.GetSecretValue',
    'kms.VerifyMac',
  ]);
});

test('a later rotation of a key in P = 3 plans, Q = 2 with a quota: 2 + P + 2Q API Gateway calls, no list call', async () => {
  const planQuotas = [
    { planId: 'plangold', limit: 10_000, period: 'MONTH', offset: 0 },
    { planId: 'planbulk', limit: 500, period: 'DAY', offset: 0 },
  ] as const;
  seed(3, { planQuotas });
  for (const { planId, limit, period } of planQuotas) fake.addPlan(planId, { limit, period });
  await rotation(TOKEN, coldContainer);
  later();

  const calls = await rotation(TOKEN_2, coldContainer);

  // The quotas come from the deployer's document: per plan with a quota GetUsage + UpdateUsage
  expect(calls.finishSecret.filter((call) => call.startsWith('apigateway.'))).toEqual([
    'apigateway.TagResource',
    'apigateway.GetUsage',
    'apigateway.UpdateUsage',
    'apigateway.GetUsage',
    'apigateway.UpdateUsage',
  ]);
  expect(apiGatewayCalls(calls)).toHaveLength(2 + 3 + 2 * 2);
  expect(
    Object.values(calls)
      .flat()
      .filter((call) => /\.(List|GetUsagePlans\b)/.test(call))
  ).toEqual([]);
});

describe.each([1, 3])(
  'a quick rotation (P = %i), while the key before the outgoing one may still be in its grace period',
  (plans) => {
    beforeEach(() => seed(plans));

    test('retires that key before AWSCURRENT moves: + the version read, its proof, and P + 2 API Gateway calls', async () => {
      await rotation(TOKEN, coldContainer);
      await rotation(TOKEN_2, coldContainer);
      const oldest = fake.keyIdOfVersion(secret, TOKEN);

      const calls = await rotation(TOKEN_3, coldContainer);

      expect(calls.finishSecret).toEqual([
        'secretsmanager.DescribeSecret',
        'secretsmanager.GetSecretValue', // the outgoing key id
        'kms.VerifyMac',
        'apigateway.TagResource', // its retire-after
        'secretsmanager.GetSecretValue', // the AWSPREVIOUS version: the key before it
        'kms.VerifyMac', // ... and its record proof
        ...Array.from({ length: plans }, () => 'apigateway.DeleteUsagePlanKey'),
        'apigateway.UpdateApiKey', // disabled
        'apigateway.TagResource', // its delete-after
        'secretsmanager.UpdateSecretVersionStage',
      ]);
      expect(apiGatewayCalls(calls)).toHaveLength(2 + plans + (plans + 2));
      expect(fake.keys.get(oldest)?.enabled).toBe(false);
      expect([...fake.keys.values()].filter((key) => key.enabled)).toHaveLength(2);
    });
  }
);
