import { TagResourceCommand } from '@aws-sdk/client-api-gateway';
import {
  GetSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag } from '../../../../contract';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { finishSecret } from '../../../../lambdas/rotation/steps/finish-secret';
import { setSecret } from '../../../../lambdas/rotation/steps/set-secret';
import { FakeAws, type FakeSecret } from '../support/fake-aws';
import { NOW, seedConsumer, stepContext, testRuntime, TOKEN, TOKEN_2 } from '../support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
});

/** Runs create and set for a token, leaving finish to the test. */
async function upTo(token: string): Promise<string> {
  fake.startRotation(secret, token);
  const { keyId } = await createSecret(await stepContext(testRuntime(), secret, token));
  await setSecret(await stepContext(testRuntime(), secret, token));
  return keyId;
}

describe('finishSecret', () => {
  test('first rotation: makes the version current, nothing to retire', async () => {
    const keyId = await upTo(TOKEN);
    fake.clearCalls();

    const result = await finishSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(result).toEqual({});
    expect(fake.currentVersion(secret)).toBe(TOKEN);
    expect(fake.currentValue(secret)).toMatchObject({ keyId });
    expect(fake.secretsManager).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: secret.arn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'terraform-initial-version-0000000000',
    });
    expect(fake.apiGateway).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('later rotation: tags the outgoing key retire-after = now + grace, then moves AWSCURRENT', async () => {
    const first = await upTo(TOKEN);
    await finishSecret(await stepContext(testRuntime(), secret, TOKEN));
    const second = await upTo(TOKEN_2);

    const result = await finishSecret(await stepContext(testRuntime(), secret, TOKEN_2));

    const retireAfter = new Date(NOW.getTime() + 3600 * 1000);
    expect(result).toEqual({ outgoingKeyId: first, retireAfter });
    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBe('2025-06-01T13:00:00.000Z');
    expect(fake.keys.get(first)?.enabled).toBe(true);
    expect(fake.currentValue(secret)).toMatchObject({ keyId: second });
    expect(secret.versions.get(TOKEN)?.stages).toEqual(['AWSPREVIOUS']);
  });

  test('repeated after the move, does nothing', async () => {
    await upTo(TOKEN);
    await finishSecret(await stepContext(testRuntime(), secret, TOKEN));
    fake.clearCalls();

    const again = await finishSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(again).toEqual({});
    expect(fake.secretsManager).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
    expect(fake.secretsManager).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  test('repeated after a crash between the tag and the move, completes', async () => {
    const first = await upTo(TOKEN);
    await finishSecret(await stepContext(testRuntime(), secret, TOKEN));
    await upTo(TOKEN_2);
    fake.failNext('UpdateSecretVersionStage', new Error('connection reset'));
    await expect(finishSecret(await stepContext(testRuntime(), secret, TOKEN_2))).rejects.toThrow(
      /connection reset/
    );
    expect(fake.currentVersion(secret)).toBe(TOKEN);
    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBeDefined();

    await finishSecret(await stepContext(testRuntime(), secret, TOKEN_2));

    expect(fake.currentVersion(secret)).toBe(TOKEN_2);
  });

  test('the outgoing key deleted out of band does not stop the rotation', async () => {
    const first = await upTo(TOKEN);
    await finishSecret(await stepContext(testRuntime(), secret, TOKEN));
    await upTo(TOKEN_2);
    fake.keys.delete(first);

    const result = await finishSecret(await stepContext(testRuntime(), secret, TOKEN_2));

    expect(result).toEqual({});
    expect(fake.currentVersion(secret)).toBe(TOKEN_2);
  });

  test('a grace period override of 0 retires the outgoing key now', async () => {
    const first = await upTo(TOKEN);
    await finishSecret(await stepContext(testRuntime(), secret, TOKEN));
    await upTo(TOKEN_2);

    await finishSecret(await stepContext(testRuntime(), secret, TOKEN_2), {
      gracePeriodSeconds: 0,
    });

    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBe(NOW.toISOString());
  });
});
