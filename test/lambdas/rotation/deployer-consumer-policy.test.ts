/**
 * The function obeys the deployer's policy, never a secret's tags: forged tags are ignored, and
 * those keyplane writes (consumer, usage plans, service) reported when they differ (log line,
 * PolicyTagMismatches).
 */
import { SecretTag } from '../../../contract';
import { readConsumerPolicy } from '../../../lambdas/rotation/consumer-policy';
import { CHECKOUT_POLICY, ENV, PREFIX, SERVICE, testRuntime } from './support/fixtures';
import { captureStdout, logLines } from './support/stdout';

const secret = (tags: Record<string, string>, name = `${PREFIX}checkout`) => ({
  arn: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-AbCdEf`,
  name,
  tags,
});

describe("readConsumerPolicy (the deployer's policy)", () => {
  test('returns the declared policy; tags that agree are no finding', () => {
    const runtime = testRuntime();
    const tags = {
      [SecretTag.SERVICE]: SERVICE,
      [SecretTag.CONSUMER]: 'checkout',
      [SecretTag.USAGE_PLANS]: 'planbulk plangold',
    };
    expect(readConsumerPolicy(runtime, secret(tags), 'createSecret')).toEqual(CHECKOUT_POLICY);
    expect(readConsumerPolicy(runtime, secret({}), 'createSecret')).toEqual(CHECKOUT_POLICY);
    expect(runtime.policyAudit.endInvocation().policyTagMismatches).toBe(0);
  });

  test("forged tags (another team's plan, a foreign http URL, no grace) are not obeyed; keyplane's are reported", () => {
    const runtime = testRuntime();
    const stdout = captureStdout();
    let policy;
    try {
      policy = readConsumerPolicy(
        runtime,
        secret({
          [SecretTag.USAGE_PLANS]: 'plangold otherteamplan',
          [SecretTag.HEALTH_CHECK_URL]: 'http://collector.example.net/steal',
          [SecretTag.GRACE_PERIOD_SECONDS]: '0',
          [SecretTag.SERVICE]: 'payments',
        }),
        'createSecret'
      );
    } finally {
      stdout.restore();
    }
    expect(policy).toEqual(CHECKOUT_POLICY);
    expect(runtime.policyAudit.endInvocation()).toEqual({
      policyTagMismatches: 2,
      unmanagedSecrets: 0,
    });
    const warned = logLines(stdout).filter((line) => line.level === 'warn');
    expect(warned.map((line) => [line.tag, line.tagValue, line.policyValue])).toEqual([
      [SecretTag.USAGE_PLANS, 'plangold otherteamplan', 'plangold planbulk'],
      [SecretTag.SERVICE, 'payments', SERVICE],
    ]);
    expect(warned[0].message).toBe(
      "a policy tag differs from the deployer's policy; the tag is not obeyed"
    );
  });

  test('throws for a secret the document does not declare', () => {
    expect(() => readConsumerPolicy(testRuntime(), secret({}, `${PREFIX}rogue`), 'sweep')).toThrow(
      /sweep: the secret is not managed by this function: the deployer's policy document declares no secret/
    );
    expect(ENV.consumers.has(`${PREFIX}rogue`)).toBe(false);
  });
});
