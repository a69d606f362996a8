import { SecretTag } from '../../../contract';
import { audit } from '../../../lambdas/rotation/audit';
import { FakeAws } from './support/fake-aws';
import { consumerTags, envWithPolicy, PREFIX, seedConsumer, testRuntime } from './support/fixtures';
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
      regionalPlans: [],
    });
    expect(runtime.policyAudit.endInvocation()).toEqual({
      policyTagMismatches: 1,
      unmanagedSecrets: 1,
    });
    const calls = fake.calls().map((call) => call.command);
    expect(calls.every((command) => command === 'ListSecrets')).toBe(true);
  });

  test("answers each declared consumer's plans in its further regions, from the policy alone", async () => {
    const checkout = seedConsumer(fake);
    const env = envWithPolicy({
      checkout: {
        regions: [
          { region: 'eu-west-1', usagePlanIds: ['planeugold'] },
          { region: 'ap-south-1', usagePlanIds: ['planapgold', 'planapbulk'] },
        ],
      },
    });
    const stdout = captureStdout();
    let result;
    try {
      result = await audit(testRuntime({ env }));
    } finally {
      stdout.restore();
    }

    expect(result?.regionalPlans).toEqual([
      { secretArn: checkout.arn, region: 'eu-west-1', usagePlanIds: ['planeugold'] },
      { secretArn: checkout.arn, region: 'ap-south-1', usagePlanIds: ['planapgold', 'planapbulk'] },
    ]);
    expect(fake.calls().map((call) => call.command)).toEqual(['ListSecrets']);
  });
});
