import { CreateApiKeyCommand, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { InternalServiceError } from '@aws-sdk/client-secrets-manager';
import { BOOTSTRAP_STAGE, KeyTag, LambdaEnv } from '../../../contract';
import { readEnv, type RotationEnv } from '../../../lambdas/rotation/env';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { toManagedKey } from '../../../lambdas/rotation/managed-key';
import { rotate } from '../../../lambdas/rotation/rotation';
import { createSecret } from '../../../lambdas/rotation/steps/create-secret';
import { FakeAws, OWNERSHIP_KEY_ID, proofFor, REGION, type FakeSecret } from './support/fake-aws';
import {
  ENV,
  NOW,
  PREFIX,
  SERVICE,
  seedConsumer,
  stepContext,
  testRuntime,
  TOKEN,
  TOKEN_2,
} from './support/fixtures';
import { captureStdout } from './support/stdout';

const fake = new FakeAws();
let secret: FakeSecret;
const LEGACY_VALUE = 'LegacyTerraformValue0123456789abcdefABCDEF';
const ADOPTING_ENV: RotationEnv = {
  ...ENV,
  adoptions: new Map([[`${PREFIX}checkout`, 'legacy1']]),
};

/** A consumer as Terraform leaves it: the placeholder is AWSCURRENT and keyplane-bootstrap. */
function seedBootstrapConsumer(name?: string): FakeSecret {
  const seeded = seedConsumer(fake, name === undefined ? {} : { name });
  for (const version of seeded.versions.values()) version.stages.push(BOOTSTRAP_STAGE);
  return seeded;
}

beforeEach(() => {
  fake.reset();
  secret = seedBootstrapConsumer();
  // The key a Terraform stack made (aws_api_gateway_api_key), in a plan of its own.
  fake.addKey({ id: 'legacy1', name: 'checkout-legacy', value: LEGACY_VALUE, tags: {} });
  fake.addPlan('planlegacy');
  fake.addMember('planlegacy', 'legacy1');
});

async function rotateAll(target: FakeSecret, token: string, env = ADOPTING_ENV): Promise<void> {
  fake.startRotation(target, token);
  const runtime = testRuntime({ env });
  for (const step of ROTATION_STEPS) await rotate(runtime, { secretId: target.arn, token, step });
}

describe('adoption', () => {
  test("the first rotation hands out the named key's value, and makes no key", async () => {
    // WHEN the consumer's first rotation runs with the key named in the deployed configuration
    await rotateAll(secret, TOKEN);

    // THEN the consumer's secret holds the key it already uses
    const current = fake.currentValue(secret);
    expect(current).toMatchObject({
      keyId: 'legacy1',
      consumer: 'checkout',
      usagePlanIds: ['plangold', 'planbulk'],
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(current.value === LEGACY_VALUE).toBe(true);
    expect(fake.apiGateway).toHaveReceivedCommandTimes(CreateApiKeyCommand, 0);
    // AND the key is keyplane's: origin tags, a valid proof, the adoption time, keyplane's name
    const key = fake.keys.get('legacy1')!;
    const origin = { service: SERVICE, secretArn: secret.arn, versionId: TOKEN };
    expect(key.tags).toEqual({
      [KeyTag.SERVICE]: SERVICE,
      [KeyTag.SECRET_ARN]: secret.arn,
      [KeyTag.SECRET_VERSION]: TOKEN,
      [KeyTag.PROOF]: proofFor({ ...origin, keyId: 'legacy1' }),
      [KeyTag.ADOPTED_AT]: NOW.toISOString(),
    });
    expect(current.proof).toBe(key.tags[KeyTag.PROOF]);
    expect(key.name).toBe('checkout-0a1b2c3d');
    // AND it never stopped working: enabled, in the declared plans and still in its old one
    expect(key.enabled).toBe(true);
    expect(fake.plansOf('legacy1').sort()).toEqual(['planbulk', 'plangold', 'planlegacy']);
  });

  test('the next rotation replaces the adopted key as usual', async () => {
    await rotateAll(secret, TOKEN);
    fake.clearCalls();

    await rotateAll(secret, TOKEN_2);

    const current = fake.currentValue(secret);
    expect(current.keyId).not.toBe('legacy1');
    expect(fake.apiGateway).toHaveReceivedCommandTimes(CreateApiKeyCommand, 1);
    // The adopted key is the outgoing key now: still enabled, with its retire-after time
    const legacy = fake.keys.get('legacy1')!;
    expect(legacy.enabled).toBe(true);
    expect(legacy.tags[KeyTag.RETIRE_AFTER]).toBe('2025-06-01T13:00:00.000Z');
  });

  test('a secret the configuration does not name never adopts, whatever its tags say', async () => {
    // GIVEN a second secret under the prefix that claims the same consumer by its tags
    const rogue = seedBootstrapConsumer(`${PREFIX}rogue`);

    // WHEN it rotates with the deployed configuration that names legacy1 for checkout's secret
    await rotateAll(rogue, TOKEN);

    // THEN it gets a new key, and legacy1's value was never read nor the key changed
    expect(fake.currentValue(rogue).keyId).not.toBe('legacy1');
    expect(fake.apiGateway).toHaveReceivedCommandTimes(CreateApiKeyCommand, 1);
    expect(fake.apiGateway).not.toHaveReceivedCommandWith(GetApiKeyCommand, {
      apiKey: 'legacy1',
    });
    expect(fake.keys.get('legacy1')!.tags).toEqual({});
  });

  test('adopts only while AWSCURRENT is the placeholder', async () => {
    // GIVEN a consumer whose first key was issued before the adoption was declared
    await rotateAll(secret, TOKEN, ENV);

    await rotateAll(secret, TOKEN_2);

    expect(fake.currentValue(secret).keyId).not.toBe('legacy1');
    expect(fake.keys.get('legacy1')!.tags).toEqual({});
  });

  test('a repeated createSecret leaves the version that holds the adopted key alone', async () => {
    fake.startRotation(secret, TOKEN);
    const runtime = testRuntime({ env: ADOPTING_ENV });
    const ctx = await stepContext(runtime, secret, TOKEN);
    const adoptingCtx = { ...ctx, policy: { ...ctx.policy, adoptKeyId: 'legacy1' } };
    expect(await createSecret(adoptingCtx)).toEqual({ keyId: 'legacy1', outcome: 'adopted' });

    expect(await createSecret(adoptingCtx)).toEqual({ keyId: 'legacy1', outcome: 'already-done' });
  });

  test('a run that failed after tagging is finished by the next one', async () => {
    fake.startRotation(secret, TOKEN);
    const runtime = testRuntime({ env: ADOPTING_ENV });
    const ctx = await stepContext(runtime, secret, TOKEN);
    const adoptingCtx = { ...ctx, policy: { ...ctx.policy, adoptKeyId: 'legacy1' } };
    fake.failNext('PutSecretValue', new InternalServiceError({ message: 'down', $metadata: {} }));
    await expect(createSecret(adoptingCtx)).rejects.toThrow('down');

    expect(await createSecret(adoptingCtx)).toEqual({ keyId: 'legacy1', outcome: 'adopted' });
    expect(JSON.parse(secret.versions.get(TOKEN)!.value!)).toMatchObject({ keyId: 'legacy1' });
  });

  describe('refuses, naming the key and what to do', () => {
    async function firstStep(): Promise<Error> {
      fake.startRotation(secret, TOKEN);
      const runtime = testRuntime({ env: ADOPTING_ENV });
      return rotate(runtime, { secretId: secret.arn, token: TOKEN, step: 'createSecret' }).then(
        () => new Error('expected a refusal'),
        (error: Error) => error
      );
    }

    test('fails when the key does not exist', async () => {
      fake.keys.delete('legacy1');
      expect((await firstStep()).message).toMatch(
        /createSecret: the key to adopt, legacy1, does not exist; correct the consumer's adopt key id/
      );
      expect(secret.versions.get(TOKEN)?.value).toBeUndefined();
    });

    test('fails when the key is disabled', async () => {
      fake.keys.get('legacy1')!.enabled = false;
      expect((await firstStep()).message).toMatch(/the key to adopt, legacy1, is disabled/);
    });

    test("fails when the key carries another secret's keyplane tags", async () => {
      fake.keys.get('legacy1')!.tags = {
        [KeyTag.SERVICE]: SERVICE,
        [KeyTag.SECRET_ARN]: `arn:aws:secretsmanager:${REGION}:123456789012:secret:other-AbC9`,
      };
      expect((await firstStep()).message).toMatch(
        /legacy1, is tagged as secret arn:aws:secretsmanager:.*:secret:other-AbC9's/
      );
      expect(fake.keys.get('legacy1')!.tags[KeyTag.PROOF]).toBeUndefined();
    });

    test("fails when the key is another service's", async () => {
      fake.keys.get('legacy1')!.tags = { [KeyTag.SERVICE]: 'billing' };
      expect((await firstStep()).message).toMatch(/legacy1, is tagged as service billing's/);
    });

    test('fails, without the value, when the value does not fit the secret format', async () => {
      fake.keys.get('legacy1')!.value = 'has-dashes-and-is-long-enough-0123456789';
      const error = await firstStep();
      expect(error.message).toMatch(/legacy1, has a value that is not 20-128 letters and digits/);
      expect(error.message).not.toContain('has-dashes');
    });
  });

  test('logs the adoption without the value', async () => {
    const captured = captureStdout();
    try {
      await rotateAll(secret, TOKEN);
    } finally {
      captured.restore();
    }
    expect(captured.text()).toContain('adopted the existing key named by the deployed');
    expect(captured.text()).not.toContain(LEGACY_VALUE);
  });
});

describe('the deployed adoptions (KEYPLANE_ADOPTIONS)', () => {
  const base = {
    [LambdaEnv.SERVICE]: SERVICE,
    [LambdaEnv.SECRET_PREFIX]: PREFIX,
    [LambdaEnv.OWNERSHIP_KEY_ID]: OWNERSHIP_KEY_ID,
    AWS_REGION: REGION,
  };

  test('are read by secret name, and absent means none', () => {
    expect(readEnv(base).adoptions).toBeUndefined();
    const env = readEnv({ ...base, [LambdaEnv.ADOPTIONS]: '{"keyplane/a/b":"abc123"}' });
    expect([...(env.adoptions ?? [])]).toEqual([['keyplane/a/b', 'abc123']]);
  });

  test.each([
    ['not JSON', '{', /KEYPLANE_ADOPTIONS must be a JSON object .*; it is not JSON/],
    ['an array', '["abc"]', /KEYPLANE_ADOPTIONS must be a JSON object from secret name to/],
    ['a bad key id', '{"s":"a b"}', /values be an API Gateway API key id.* \(at s\)/],
    ['a key twice', '{"s":"k1","t":"k1"}', /names each key once \(key k1 is named twice\)/],
  ])('fails when the variable is %s', (_case, raw, message) => {
    expect(() => readEnv({ ...base, [LambdaEnv.ADOPTIONS]: raw })).toThrow(message);
  });
});

test("an adopted key's age counts from its adoption", () => {
  const key = toManagedKey({
    id: 'k',
    createdDate: new Date('2020-01-01T00:00:00Z'),
    tags: { [KeyTag.ADOPTED_AT]: '2025-06-01T12:00:00.000Z' },
  });
  expect(key.adoptedAt).toEqual(new Date('2025-06-01T12:00:00.000Z'));
  expect(toManagedKey({ id: 'k', tags: {} }).adoptedAt).toBeUndefined();
});
