import { SECRET_FORMAT, SecretTag } from '../../../../contract';
import type { HttpGet } from '../../../../lambdas/rotation/runtime';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { setSecret } from '../../../../lambdas/rotation/steps/set-secret';
import { testSecret } from '../../../../lambdas/rotation/steps/test-secret';
import { FakeAws, type FakeSecret } from '../support/fake-aws';
import { seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;

async function prepared(tags: Record<string, string | undefined> = {}): Promise<string> {
  secret = seedConsumer(fake, { tags });
  fake.startRotation(secret, TOKEN);
  const { keyId } = await createSecret(await stepContext(testRuntime(), secret, TOKEN));
  await setSecret(await stepContext(testRuntime(), secret, TOKEN));
  fake.clearCalls();
  return keyId;
}

beforeEach(() => fake.reset());

describe('testSecret', () => {
  test('without a health check, passes with no call beyond the preconditions', async () => {
    await prepared();
    const ctx = await stepContext(testRuntime(), secret, TOKEN);
    fake.clearCalls();

    await expect(testSecret(ctx)).resolves.toEqual({});
    expect(fake.calls()).toEqual([]);
  });

  test('repeated, passes again', async () => {
    await prepared();
    await testSecret(await stepContext(testRuntime(), secret, TOKEN));
    await expect(testSecret(await stepContext(testRuntime(), secret, TOKEN))).resolves.toEqual({});
  });

  describe('health check', () => {
    const url = 'https://api.example.com/orders/health?probe=1';

    test('calls the URL with the pending key in x-api-key, without following redirects', async () => {
      const keyId = await prepared({ [SecretTag.HEALTH_CHECK_URL]: url });
      const httpGet = jest.fn<ReturnType<HttpGet>, Parameters<HttpGet>>(() =>
        Promise.resolve({ status: 200 })
      );

      const result = await testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN));

      expect(result).toEqual({ keyId, healthCheckStatus: 200 });
      expect(httpGet).toHaveBeenCalledTimes(1);
      const [calledUrl, init] = httpGet.mock.calls[0];
      expect(calledUrl).toBe(url);
      expect(init.headers).toEqual({ 'x-api-key': fake.keys.get(keyId)?.value });
      expect(init.redirect).toBe('manual');
    });

    test('reads the value from the version, checking its record proof, and no key from API Gateway', async () => {
      await prepared({ [SecretTag.HEALTH_CHECK_URL]: url });
      const httpGet: HttpGet = () => Promise.resolve({ status: 200 });
      const ctx = await stepContext(testRuntime({ httpGet }), secret, TOKEN);
      fake.clearCalls();

      await testSecret(ctx);

      expect(fake.callCounts()).toEqual({ GetSecretValue: 1, VerifyMac: 1 });
    });

    test('never sends a value from a version whose record proof fails', async () => {
      secret = seedConsumer(fake, { tags: { [SecretTag.HEALTH_CHECK_URL]: url } });
      fake.startRotation(secret, TOKEN);
      const version = secret.versions.get(TOKEN);
      if (version === undefined) throw new Error('no pending version');
      version.value = JSON.stringify({
        format: SECRET_FORMAT,
        keyId: 'kforeign',
        value: 'f'.repeat(40),
        consumer: 'checkout',
        usagePlanIds: [],
        createdAt: '2025-06-01T12:00:00.000Z',
      });
      const httpGet = jest.fn<ReturnType<HttpGet>, Parameters<HttpGet>>();

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN))
      ).rejects.toThrow(
        /testSecret: version .* names key kforeign, which the function cannot prove/
      );
      expect(httpGet).not.toHaveBeenCalled();
    });

    test('accepts any answer other than 403', async () => {
      await prepared({ [SecretTag.HEALTH_CHECK_URL]: url });
      const httpGet: HttpGet = () => Promise.resolve({ status: 503 });

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN))
      ).resolves.toMatchObject({ healthCheckStatus: 503 });
    });

    test('fails on 403, naming the URL without its query', async () => {
      await prepared({ [SecretTag.HEALTH_CHECK_URL]: url });
      const httpGet: HttpGet = () => Promise.resolve({ status: 403 });

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN))
      ).rejects.toThrow(
        /testSecret: health check https:\/\/api\.example\.com\/orders\/health answered 403/
      );
    });

    test('fails when the URL cannot be reached', async () => {
      await prepared({ [SecretTag.HEALTH_CHECK_URL]: url });
      const httpGet: HttpGet = () => Promise.reject(new TypeError('fetch failed'));

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN))
      ).rejects.toThrow(/could not be reached \(TypeError\); expected an answer other than 403/);
    });
  });
});
