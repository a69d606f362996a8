import {
  CreateApiKeyCommand,
  NotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { KeyTag, SecretTag } from '../../../contract';
import {
  RotationError,
  SecretPolicyError,
  type RotationStep,
} from '../../../lambdas/rotation/errors';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { verifyKeyValue } from '../../../lambdas/rotation/key-value';
import { checkPreconditions, rotate } from '../../../lambdas/rotation/rotation';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  describe as describeSecret,
  ENV,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
} from './support/fixtures';
import { captureStdout, logLines } from './support/stdout';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
});

/** What Secrets Manager does for one rotation: stage the version, call the four steps. */
async function rotateAll(token: string): Promise<void> {
  fake.startRotation(secret, token);
  const runtime = testRuntime();
  for (const step of ROTATION_STEPS) {
    await rotate(runtime, { secretId: secret.arn, token, step });
  }
}

describe('rotate', () => {
  test("a consumer's first rotation replaces the placeholder with a working key", async () => {
    await rotateAll(TOKEN);

    const current = fake.currentValue(secret);
    expect(current).toMatchObject({ consumer: 'checkout', usagePlanIds: ['plangold', 'planbulk'] });
    const keyId = String(current.keyId);
    expect(verifyKeyValue(String(current.value), 'ordK')).toBe(true);
    expect(fake.keys.get(keyId)?.enabled).toBe(true);
    expect(fake.plansOf(keyId).sort()).toEqual(['planbulk', 'plangold']);
    // The key got its proof in CreateApiKey, and there is no outgoing key to retire: no tagging.
    expect(fake.keys.get(keyId)?.tags[KeyTag.PROOF]).toMatch(/^v2:/);
    expect(fake.apiGateway).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a second rotation issues a new key and schedules the old one for retirement', async () => {
    await rotateAll(TOKEN);
    const first = String(fake.currentValue(secret).keyId);

    await rotateAll(TOKEN_2);

    const second = String(fake.currentValue(secret).keyId);
    expect(second).not.toBe(first);
    expect(fake.keys.get(first)?.enabled).toBe(true);
    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBe('2025-06-01T13:00:00.000Z');
    expect(fake.plansOf(second).sort()).toEqual(['planbulk', 'plangold']);
  });

  test('every step repeated after the rotation completed is a no-op', async () => {
    await rotateAll(TOKEN);
    fake.clearCalls();

    for (const step of ROTATION_STEPS) {
      await expect(
        rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step })
      ).resolves.toBe('already-current');
    }
    expect(fake.callCounts()).toEqual({ DescribeSecret: 4 });
  });

  test('a plan removed from the tags is not given to the next key', async () => {
    await rotateAll(TOKEN);
    secret.tags[SecretTag.USAGE_PLANS] = 'plangold';

    await rotateAll(TOKEN_2);

    const second = String(fake.currentValue(secret).keyId);
    expect(fake.plansOf(second)).toEqual(['plangold']);
    expect(fake.currentValue(secret).usagePlanIds).toEqual(['plangold']);
  });

  test('fails when the token is not staged AWSPENDING', async () => {
    fake.startRotation(secret, TOKEN);
    const version = secret.versions.get(TOKEN);
    if (version) version.stages = ['AWSPREVIOUS'];

    await expect(
      rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step: 'setSecret' })
    ).rejects.toThrow(
      /setSecret: version 0a1b2c3d-.* is not staged AWSPENDING \(it has AWSPREVIOUS\); expected AWSPENDING/
    );
  });

  test('fails when the token is not a version of the secret', async () => {
    await expect(
      rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' })
    ).rejects.toThrow(
      /createSecret: ClientRequestToken 0a1b2c3d-.* is not a version of the secret/
    );
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });

  test('fails when rotation is not enabled', async () => {
    secret.rotationEnabled = false;
    fake.startRotation(secret, TOKEN);

    await expect(
      rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' })
    ).rejects.toThrow(/createSecret: rotation is not enabled on the secret/);
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });

  test('refuses a secret outside the name prefix', async () => {
    const foreign = fake.addSecret({ name: 'payments/checkout', tags: secret.tags });
    fake.startRotation(foreign, TOKEN);

    await expect(
      rotate(testRuntime(), { secretId: foreign.arn, token: TOKEN, step: 'createSecret' })
    ).rejects.toThrow(
      /not managed by this function: its name does not start with keyplane\/orders-api\//
    );
  });

  test('refuses a secret of another service', async () => {
    secret.tags[SecretTag.SERVICE] = 'billing-api';
    fake.startRotation(secret, TOKEN);

    await expect(
      rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' })
    ).rejects.toThrow(/its keyplane:service tag is not orders-api/);
  });

  test('fails when the secret does not exist', async () => {
    await expect(
      rotate(testRuntime(), {
        secretId: 'keyplane/orders-api/nobody',
        token: TOKEN,
        step: 'testSecret',
      })
    ).rejects.toThrow(/^keyplane\/orders-api\/nobody testSecret: the secret does not exist$/);
  });

  test('fails with the step and the tag when the tags are invalid', async () => {
    secret.tags[SecretTag.USAGE_PLANS] = 'plan-with-dashes';
    fake.startRotation(secret, TOKEN);

    const error = await rotate(testRuntime(), {
      secretId: secret.arn,
      token: TOKEN,
      step: 'createSecret',
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RotationError);
    expect((error as RotationError).message).toMatch(
      /createSecret: SecretPolicyError: .* tag keyplane:usage-plans must be usage plan ids/
    );
    expect((error as RotationError).cause).toBeInstanceOf(SecretPolicyError);
  });

  test('wraps an AWS failure with the secret and the step, keeping the cause', async () => {
    fake.startRotation(secret, TOKEN);
    const cause = new NotFoundException({ message: 'Invalid API Key identifier', $metadata: {} });
    fake.failNext('CreateApiKey', cause);

    const error = await rotate(testRuntime(), {
      secretId: secret.arn,
      token: TOKEN,
      step: 'createSecret',
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RotationError);
    expect((error as RotationError).message).toBe(
      `${secret.arn} createSecret: NotFoundException: Invalid API Key identifier`
    );
    expect((error as RotationError).cause).toBe(cause);
    expect(fake.secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, 1);
  });
});

describe('rotate, one step at a time', () => {
  test('testSecret only tests: the new version is not made current until finishSecret', async () => {
    fake.startRotation(secret, TOKEN);
    const runtime = testRuntime();
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
      await rotate(runtime, { secretId: secret.arn, token: TOKEN, step });
    }
    expect(fake.currentValue(secret)).toMatchObject({ bootstrap: true });

    await rotate(runtime, { secretId: secret.arn, token: TOKEN, step: 'finishSecret' });
    expect(fake.currentValue(secret)).toMatchObject({ consumer: 'checkout' });
  });

  test('a step already done is logged as such, with the step, the secret and the version', async () => {
    await rotateAll(TOKEN);
    const stdout = captureStdout();
    try {
      await rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step: 'setSecret' });
    } finally {
      stdout.restore();
    }
    expect(logLines(stdout)).toContainEqual(
      expect.objectContaining({
        module: 'rotation',
        message: 'the version is already AWSCURRENT; nothing to do',
        step: 'setSecret',
        secretArn: secret.arn,
        versionId: TOKEN,
      })
    );
  });

  test('fails for a step outside the protocol that got past the event parser', async () => {
    fake.startRotation(secret, TOKEN);
    const step = 'rotateEverything' as unknown as RotationStep;
    await expect(
      rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step })
    ).rejects.toThrow(/unknown step/);
  });
});

describe('checkPreconditions', () => {
  test('proceeds for an AWSPENDING token, returns early for AWSCURRENT', async () => {
    fake.startRotation(secret, TOKEN);
    const runtime = testRuntime();
    const state = await describeSecret(runtime, secret);

    expect(
      checkPreconditions(runtime, state, { secretId: secret.arn, token: TOKEN, step: 'setSecret' })
    ).toBe('proceed');
    expect(
      checkPreconditions(runtime, state, {
        secretId: secret.arn,
        token: 'terraform-initial-version-0000000000',
        step: 'setSecret',
      })
    ).toBe('already-current');
    expect(ENV.service).toBe('orders-api');
  });
});
