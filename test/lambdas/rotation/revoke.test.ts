import { CreateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../../contract';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { revoke } from '../../../lambdas/rotation/revoke';
import { rotate } from '../../../lambdas/rotation/rotation';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import { NOW, seedConsumer, testRuntime, TOKEN, TOKEN_2 } from './support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
});

async function rotateAll(token: string): Promise<string> {
  fake.startRotation(secret, token);
  for (const step of ROTATION_STEPS) {
    await rotate(testRuntime(), { secretId: secret.arn, token, step });
  }
  return String(fake.currentValue(secret).keyId);
}

describe('revoke', () => {
  test('issues a new key and disables the leaked one at once', async () => {
    // GIVEN a consumer with a working key
    const leaked = await rotateAll(TOKEN);

    // WHEN
    const result = await revoke(testRuntime(), secret.name);

    // THEN the secret names a new, working key
    const current = fake.currentValue(secret);
    expect(result).toEqual({
      secretArn: secret.arn,
      versionId: fake.currentVersion(secret),
      keyId: current.keyId,
      revokedKeyId: leaked,
    });
    expect(current.keyId).not.toBe(leaked);
    expect(fake.plansOf(String(current.keyId)).sort()).toEqual(['planbulk', 'plangold']);
    // AND the leaked key is out of its plans, disabled, and due for deletion in 7 days
    const old = fake.keys.get(leaked);
    expect(old?.enabled).toBe(false);
    expect(fake.plansOf(leaked)).toEqual([]);
    expect(old?.tags[KeyTag.RETIRE_AFTER]).toBe(NOW.toISOString());
    expect(old?.tags[KeyTag.DELETE_AFTER]).toBe('2025-06-08T12:00:00.000Z');
  });

  test('for a consumer without a key yet, issues the first one', async () => {
    const result = await revoke(testRuntime(), secret.arn);

    expect(result.revokedKeyId).toBeUndefined();
    expect(fake.currentValue(secret)).toMatchObject({ keyId: result.keyId });
    expect(fake.keys.get(result.keyId)?.enabled).toBe(true);
  });

  test('a later scheduled rotation works after a revoke', async () => {
    await rotateAll(TOKEN);
    await revoke(testRuntime(), secret.arn);

    const next = await rotateAll(TOKEN_2);

    expect(fake.currentVersion(secret)).toBe(TOKEN_2);
    expect(fake.keys.get(next)?.enabled).toBe(true);
  });

  test('fails clearly while a rotation is in progress, and changes nothing', async () => {
    await rotateAll(TOKEN);
    fake.startRotation(secret, TOKEN_2);
    fake.clearCalls();

    await expect(revoke(testRuntime(), secret.arn)).rejects.toThrow(
      /revoke: a rotation is in progress \(version 9f8e7d6c-.* is staged AWSPENDING\); wait for it to finish/
    );
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });

  test('refuses a secret this function does not manage', async () => {
    const foreign = fake.addSecret({ name: 'other/checkout', tags: secret.tags });

    await expect(revoke(testRuntime(), foreign.arn)).rejects.toThrow(
      /revoke: the secret is not managed by this function/
    );
  });

  test('fails when the secret does not exist', async () => {
    await expect(revoke(testRuntime(), 'keyplane/orders-api/ghost')).rejects.toThrow(
      /ghost revoke: the secret does not exist/
    );
  });
});
