import { originOf } from '../../../../lambdas/rotation/steps/step-context';
import { FakeAws } from '../support/fake-aws';
import { seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

const fake = new FakeAws();

beforeEach(() => fake.reset());

describe('originOf', () => {
  test('is this service, the secret ARN and the token', async () => {
    const secret = seedConsumer(fake);
    fake.startRotation(secret, TOKEN);
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    expect(originOf(ctx)).toEqual({
      service: 'orders-api',
      secretArn: secret.arn,
      versionId: TOKEN,
    });
  });
});
