import { CreateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { KeyTag, SECRET_FORMAT } from '../../../contract';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { revoke } from '../../../lambdas/rotation/revoke';
import { rotate } from '../../../lambdas/rotation/rotation';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import { NOW, originTagsFor, seedConsumer, testRuntime, TOKEN, TOKEN_2 } from './support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;
const TOKEN_3 = '5e5e5e5e-3333-4333-8333-333333333333';

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

const enabledKeysOf = (arn: string) =>
  [...fake.keys.values()]
    .filter((key) => key.enabled && key.tags[KeyTag.SECRET_ARN] === arn)
    .map((key) => key.id);

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
      revokedKeyIds: [leaked],
      unprovenKeyIds: [],
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

  test('disables every enabled key of the consumer, grace-period keys included', async () => {
    // GIVEN three quick rotations: the current key plus one in its grace period (the live-key
    // cap retired the first at the third rotation)
    const first = await rotateAll(TOKEN);
    const second = await rotateAll(TOKEN_2);
    const third = await rotateAll(TOKEN_3);
    expect(enabledKeysOf(secret.arn).sort()).toEqual([second, third].sort());

    const result = await revoke(testRuntime(), secret.arn);

    expect(result.revokedKeyIds).toEqual([second, third].sort());
    expect(enabledKeysOf(secret.arn)).toEqual([result.keyId]);
    for (const id of [first, second, third]) expect(fake.plansOf(id)).toEqual([]);
  });

  test('with a key id, disables that grace-period key only and issues no new key', async () => {
    const first = await rotateAll(TOKEN);
    const second = await rotateAll(TOKEN_2);
    fake.clearCalls();

    const result = await revoke(testRuntime(), secret.arn, { keyId: first });

    expect(result).toEqual({ secretArn: secret.arn, revokedKeyIds: [first], unprovenKeyIds: [] });
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
    expect(fake.keys.get(first)?.enabled).toBe(false);
    expect(fake.currentValue(secret).keyId).toBe(second);
    expect(fake.keys.get(second)?.enabled).toBe(true);
  });

  test('with the current key id, rotates first and disables only that key', async () => {
    const first = await rotateAll(TOKEN);
    const second = await rotateAll(TOKEN_2);

    const result = await revoke(testRuntime(), secret.arn, { keyId: second });

    expect(result.revokedKeyIds).toEqual([second]);
    expect(fake.currentValue(secret).keyId).toBe(result.keyId);
    expect(enabledKeysOf(secret.arn).sort()).toEqual([first, result.keyId].sort());
  });

  test('fails when the key id is not a key of the consumer', async () => {
    await rotateAll(TOKEN);
    fake.addKey({ id: 'kforeign01', tags: { team: 'billing' } });

    await expect(revoke(testRuntime(), secret.arn, { keyId: 'kforeign01' })).rejects.toThrow(
      /revoke: keyId kforeign01 is not a key of this consumer/
    );
    expect(fake.keys.get('kforeign01')?.enabled).toBe(true);
  });

  test('refuses a named key that carries the consumer tags without a valid proof', async () => {
    await rotateAll(TOKEN);
    fake.addKey({ id: 'kplanted01', tags: originTagsFor(secret, TOKEN) }, { forged: true });

    await expect(revoke(testRuntime(), secret.arn, { keyId: 'kplanted01' })).rejects.toThrow(
      /revoke: key kplanted01 carries this consumer's tags but no valid ownership proof/
    );
    expect(fake.keys.get('kplanted01')?.enabled).toBe(true);
  });

  test('leaves a planted key with the consumer tags alone and names it as unproven', async () => {
    await rotateAll(TOKEN);
    fake.addKey({ id: 'kplanted01', tags: originTagsFor(secret, TOKEN) }, { forged: true });
    fake.addMember('plangold', 'kplanted01');

    const result = await revoke(testRuntime(), secret.arn);

    expect(result.unprovenKeyIds).toEqual(['kplanted01']);
    expect(result.revokedKeyIds).not.toContain('kplanted01');
    expect(fake.keys.get('kplanted01')?.enabled).toBe(true);
    expect(fake.plansOf('kplanted01')).toEqual(['plangold']);
  });

  test("a current value edited to name another team's key never touches that key", async () => {
    // GIVEN another team's key in its own plan, and the consumer's value edited to name it
    await rotateAll(TOKEN);
    fake.addPlan('planother');
    fake.addKey({ id: 'kforeign01', tags: { team: 'billing' } });
    fake.addMember('planother', 'kforeign01');
    const version = secret.versions.get(TOKEN);
    if (version === undefined) throw new Error('no version');
    version.value = JSON.stringify({
      format: SECRET_FORMAT,
      keyId: 'kforeign01',
      value: 'valuekforeign01xxxxxxxxxxxxxxxxxxxxxxxx',
      consumer: 'checkout',
      usagePlanIds: ['plangold'],
      createdAt: NOW.toISOString(),
    });

    await revoke(testRuntime(), secret.arn);

    // THEN the foreign key is still enabled, in its plan, and carries no keyplane tag
    const foreign = fake.keys.get('kforeign01');
    expect(foreign?.enabled).toBe(true);
    expect(fake.plansOf('kforeign01')).toEqual(['planother']);
    expect(foreign?.tags).toEqual({ team: 'billing' });
  });

  test('for a consumer without a key yet, issues the first one', async () => {
    const result = await revoke(testRuntime(), secret.arn);

    expect(result.revokedKeyIds).toEqual([]);
    expect(fake.currentValue(secret)).toMatchObject({ keyId: result.keyId });
    expect(fake.keys.get(String(result.keyId))?.enabled).toBe(true);
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
