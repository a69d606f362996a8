import {
  ConflictException,
  CreateUsagePlanKeyCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { SECRET_FORMAT } from '../../../../contract';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { setSecret } from '../../../../lambdas/rotation/steps/set-secret';
import { FakeAws, proofFor, type FakeSecret } from '../support/fake-aws';
import { SERVICE, seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

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

  test('adds the key the version names, without reading or listing keys', async () => {
    const keyId = await created();

    await setSecret(await stepContext(testRuntime(), secret, TOKEN));

    expect(fake.callCounts()).toEqual({
      DescribeSecret: 1,
      GetSecretValue: 1,
      VerifyMac: 1,
      CreateUsagePlanKey: 2,
    });
    expect(fake.plansOf(keyId).sort()).toEqual(['planbulk', 'plangold']);
  });

  test('fails when the pending version holds no key yet', async () => {
    await expect(setSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /setSecret: version 0a1b2c3d-.* holds no value; expected the issued key createSecret writes/
    );
  });

  test('never adds a key the version names without a valid record proof, and reports it', async () => {
    // GIVEN a co-tenant wrote the pending version first, naming their own key
    fake.addKey({ id: 'kforeign', tags: {} });
    const version = secret.versions.get(TOKEN);
    if (version === undefined) throw new Error('no pending version');
    version.value = JSON.stringify({
      format: SECRET_FORMAT,
      keyId: 'kforeign',
      value: 'f'.repeat(40),
      consumer: 'checkout',
      usagePlanIds: [],
      createdAt: '2025-06-01T12:00:00.000Z',
      proof: proofFor({
        service: SERVICE,
        secretArn: secret.arn,
        versionId: TOKEN,
        keyId: 'kother',
      }),
    });
    const runtime = testRuntime();

    await expect(setSecret(await stepContext(runtime, secret, TOKEN))).rejects.toThrow(
      /setSecret: version .* names key kforeign, which the function cannot prove it made/
    );
    expect(fake.plansOf('kforeign')).toEqual([]);
    expect(runtime.ownership.endInvocation()).toEqual([
      expect.objectContaining({ keyId: 'kforeign', reason: 'its ownership proof is not valid' }),
    ]);
  });

  test('fails naming the plan when API Gateway refuses the key for a conflict other than membership', async () => {
    await created();
    const stageTaken = 'cannot reference multiple Usage Plans with the same API Stage';
    fake.failNext(
      'CreateUsagePlanKey',
      new ConflictException({ message: stageTaken, $metadata: {} })
    );

    await expect(setSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      `to usage plan plangold, declared in the deployer's policy (ConflictException: ${stageTaken}); the key is not in the plan`
    );
    expect(fake.plansOf(fake.keyIdOfVersion(secret, TOKEN))).toEqual([]);
  });

  test('fails when a declared usage plan does not exist', async () => {
    await created();
    fake.plans.delete('planbulk');

    await expect(setSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /setSecret: usage plan planbulk, declared in the deployer's policy, does not exist/
    );
  });
});
