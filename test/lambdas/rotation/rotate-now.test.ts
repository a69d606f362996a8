import { readConsumerPolicy } from '../../../lambdas/rotation/consumer-policy';
import { inProcessRotationCost, rotateNow } from '../../../lambdas/rotation/rotate-now';
import { FakeAws } from './support/fake-aws';
import { describe as describeSecret, seedConsumer, testRuntime, TOKEN } from './support/fixtures';

const fake = new FakeAws();

beforeEach(() => fake.reset());

describe('rotateNow', () => {
  test('runs the four steps with its own token and makes it current', async () => {
    const secret = seedConsumer(fake);
    const runtime = testRuntime();
    const state = await describeSecret(runtime, secret);
    const policy = readConsumerPolicy(runtime, state, 'revoke');
    fake.clearCalls();

    const result = await rotateNow(runtime, state, policy, 60, TOKEN);

    expect(result).toEqual({ versionId: TOKEN, keyId: expect.any(String) });
    expect(fake.currentVersion(secret)).toBe(TOKEN);
    expect(fake.plansOf(result.keyId).sort()).toEqual(['planbulk', 'plangold']);
    const mutating = [
      'CreateApiKey',
      'PutSecretValue',
      'CreateUsagePlanKey',
      'TagResource',
      'UpdateSecretVersionStage',
    ];
    const made = fake.calls().filter((call) => mutating.includes(call.command)).length;
    expect(made).toBeLessThanOrEqual(inProcessRotationCost(policy));
  });

  test('makes a fresh token by default', async () => {
    const secret = seedConsumer(fake);
    const runtime = testRuntime();
    const state = await describeSecret(runtime, secret);

    const result = await rotateNow(runtime, state, readConsumerPolicy(runtime, state, 'revoke'), 0);

    expect(result.versionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
