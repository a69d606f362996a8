import { CreateUsagePlanKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { setSecret } from '../../../../lambdas/rotation/steps/set-secret';
import { FakeAws, type FakeSecret } from '../support/fake-aws';
import { seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
  fake.startRotation(secret, TOKEN);
});

async function created(): Promise<string> {
  const { keyId } = await createSecret(await stepContext(testRuntime(), secret, TOKEN));
  fake.clearCalls();
  return keyId;
}

describe('setSecret', () => {
  test('adds the pending key to every declared usage plan', async () => {
    const keyId = await created();

    const result = await setSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(result).toEqual({ keyId, plansAdded: ['plangold', 'planbulk'] });
    expect(fake.apiGateway).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, {
      usagePlanId: 'plangold',
      keyId,
      keyType: 'API_KEY',
    });
    expect(fake.plansOf(keyId).sort()).toEqual(['planbulk', 'plangold']);
    expect(fake.apiGateway).not.toHaveReceivedCommand(UpdateApiKeyCommand);
  });

  test('repeated, succeeds: "already a member" is success', async () => {
    const keyId = await created();
    await setSecret(await stepContext(testRuntime(), secret, TOKEN));

    const again = await setSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(again).toEqual({ keyId, plansAdded: [] });
    expect(fake.plansOf(keyId).sort()).toEqual(['planbulk', 'plangold']);
  });

  test('enables a pending key that was disabled', async () => {
    const keyId = await created();
    const key = fake.keys.get(keyId);
    if (key) key.enabled = false;

    await setSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(fake.apiGateway).toHaveReceivedCommandWith(UpdateApiKeyCommand, {
      apiKey: keyId,
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }],
    });
    expect(fake.keys.get(keyId)?.enabled).toBe(true);
  });

  test('fails when the pending key was deleted out of band', async () => {
    const keyId = await created();
    fake.keys.delete(keyId);

    await expect(setSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /setSecret: no API key tagged for version 0a1b2c3d-.* exists; expected the key createSecret made/
    );
  });

  test('fails when a declared usage plan does not exist', async () => {
    await created();
    fake.plans.delete('planbulk');

    await expect(setSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /setSecret: usage plan planbulk, declared in the secret's tags, does not exist/
    );
  });
});
