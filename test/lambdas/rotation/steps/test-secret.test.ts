import {
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { SecretTag } from '../../../../contract';
import type { HttpGet } from '../../../../lambdas/rotation/runtime';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { setSecret } from '../../../../lambdas/rotation/steps/set-secret';
import { testSecret } from '../../../../lambdas/rotation/steps/test-secret';
import { FakeAws, type FakeSecret } from '../support/fake-aws';
import { envWithPolicy, seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

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
  test('passes for an enabled key in every declared plan, with reads only', async () => {
    const keyId = await prepared();

    const result = await testSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(result).toEqual({ keyId });
    expect(fake.apiGateway).not.toHaveReceivedCommand(UpdateApiKeyCommand);
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateUsagePlanKeyCommand);
    expect(fake.apiGateway).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('repeated, passes again', async () => {
    await prepared();
    await testSecret(await stepContext(testRuntime(), secret, TOKEN));
    await expect(testSecret(await stepContext(testRuntime(), secret, TOKEN))).resolves.toEqual({
      keyId: expect.any(String),
    });
  });

  test('fails when the pending key is disabled', async () => {
    const keyId = await prepared();
    const key = fake.keys.get(keyId);
    if (key) key.enabled = false;

    await expect(testSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      new RegExp(`testSecret: pending key ${keyId} is disabled; expected enabled`)
    );
  });

  test('fails when the key is missing from a declared plan', async () => {
    const keyId = await prepared();
    fake.plans.get('planbulk')?.delete(keyId);

    await expect(testSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /testSecret: pending key .* is not a member of usage plan\(s\) planbulk; expected it in every plan/
    );
  });

  test('fails when the pending key was deleted out of band', async () => {
    const keyId = await prepared();
    fake.keys.delete(keyId);

    await expect(testSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /testSecret: no API key tagged for version/
    );
    expect(fake.apiGateway).not.toHaveReceivedCommand(DeleteApiKeyCommand);
  });

  describe('health check', () => {
    const url = 'https://api.example.com/orders/health?probe=1';
    const withCheck = envWithPolicy({ checkout: { healthCheckUrl: url } });

    test('never calls a URL that only a tag names (a forged tag is not obeyed)', async () => {
      await prepared({ [SecretTag.HEALTH_CHECK_URL]: 'https://collector.example.net/steal' });
      const httpGet = jest.fn<ReturnType<HttpGet>, Parameters<HttpGet>>(() =>
        Promise.resolve({ status: 200 })
      );

      const result = await testSecret(await stepContext(testRuntime({ httpGet }), secret, TOKEN));

      expect(result.healthCheckStatus).toBeUndefined();
      expect(httpGet).not.toHaveBeenCalled();
    });

    test('calls the URL with the pending key in x-api-key, without following redirects', async () => {
      const keyId = await prepared();
      const httpGet = jest.fn<ReturnType<HttpGet>, Parameters<HttpGet>>(() =>
        Promise.resolve({ status: 200 })
      );

      const result = await testSecret(
        await stepContext(testRuntime({ httpGet, env: withCheck }), secret, TOKEN)
      );

      expect(result).toEqual({ keyId, healthCheckStatus: 200 });
      expect(httpGet).toHaveBeenCalledTimes(1);
      const [calledUrl, init] = httpGet.mock.calls[0];
      expect(calledUrl).toBe(url);
      expect(init.headers).toEqual({ 'x-api-key': fake.keys.get(keyId)?.value });
      expect(init.redirect).toBe('manual');
    });

    test('accepts any answer other than 403', async () => {
      await prepared();
      const httpGet: HttpGet = () => Promise.resolve({ status: 503 });

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet, env: withCheck }), secret, TOKEN))
      ).resolves.toMatchObject({ healthCheckStatus: 503 });
    });

    test('fails on 403, naming the URL without its query', async () => {
      await prepared();
      const httpGet: HttpGet = () => Promise.resolve({ status: 403 });

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet, env: withCheck }), secret, TOKEN))
      ).rejects.toThrow(
        /testSecret: health check https:\/\/api\.example\.com\/orders\/health answered 403/
      );
    });

    test('fails when the URL cannot be reached', async () => {
      await prepared();
      const httpGet: HttpGet = () => Promise.reject(new TypeError('fetch failed'));

      await expect(
        testSecret(await stepContext(testRuntime({ httpGet, env: withCheck }), secret, TOKEN))
      ).rejects.toThrow(/could not be reached \(TypeError\); expected an answer other than 403/);
    });
  });
});
