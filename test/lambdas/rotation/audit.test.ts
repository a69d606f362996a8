import { SecretTag } from '../../../contract';
import { audit } from '../../../lambdas/rotation/audit';
import { FakeAws } from './support/fake-aws';
import { consumerTags, PREFIX, seedConsumer, testRuntime } from './support/fixtures';
import { captureStdout } from './support/stdout';

const fake = new FakeAws();

beforeEach(() => fake.reset());

describe('audit', () => {
  test('names undeclared secrets under the prefix and policy tags that differ, changing nothing', async () => {
    const checkout = seedConsumer(fake, {
      tags: { [SecretTag.USAGE_PLANS]: 'otherteamplan', [SecretTag.SERVICE]: 'orders-api' },
    });
    seedConsumer(fake, { name: `${PREFIX}fresh` });
    const rogue = fake.addSecret({ name: `${PREFIX}rogue`, tags: consumerTags() });
    fake.addSecret({ name: 'payments/other', tags: {} });
    const runtime = testRuntime();
    const stdout = captureStdout();
    let result;
    try {
      result = await audit(runtime);
    } finally {
      stdout.restore();
    }

    expect(result).toEqual({
      undeclaredSecretArns: [rogue.arn],
      policyTagMismatches: [
        {
          secretArn: checkout.arn,
          tag: SecretTag.USAGE_PLANS,
          tagValue: 'otherteamplan',
          policyValue: 'plangold planbulk',
        },
      ],
    });
    expect(runtime.policyAudit.endInvocation()).toEqual({
      policyTagMismatches: 1,
      unmanagedSecrets: 1,
    });
    const calls = fake.calls().map((call) => call.command);
    expect(calls.every((command) => command === 'ListSecrets')).toBe(true);
  });
});
