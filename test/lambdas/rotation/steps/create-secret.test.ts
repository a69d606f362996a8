import { CreateApiKeyCommand, DeleteApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { KeyTag, SECRET_FORMAT } from '../../../../contract';
import { verifyKeyValue } from '../../../../lambdas/rotation/key-value';
import { createSecret } from '../../../../lambdas/rotation/steps/create-secret';
import { creationProofFor, FakeAws, proofFor, type FakeSecret } from '../support/fake-aws';
import {
  originTagsFor,
  SERVICE,
  seedConsumer,
  stepContext,
  testRuntime,
  TOKEN,
  TOKEN_2,
} from '../support/fixtures';
import { captureStdout } from '../support/stdout';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
  fake.startRotation(secret, TOKEN);
});

const origin = (s: FakeSecret) => ({ service: SERVICE, secretArn: s.arn, versionId: TOKEN });

function pendingValue(): Record<string, unknown> {
  const value = secret.versions.get(TOKEN)?.value;
  if (value === undefined) throw new Error('the pending version has no value');
  return JSON.parse(value) as Record<string, unknown>;
}

function writePending(fields: { keyId: string; value: string; proof?: string }): void {
  const version = secret.versions.get(TOKEN);
  if (version === undefined) throw new Error('no pending version');
  version.value = JSON.stringify({
    format: SECRET_FORMAT,
    consumer: 'checkout',
    usagePlanIds: ['plangold'],
    createdAt: '2025-06-01T11:59:59.000Z',
    ...fields,
  });
}

describe('createSecret', () => {
  test('creates the key with its tags and creation proof in one call, then writes the version', async () => {
    // GIVEN a consumer whose rotation has just started
    const runtime = testRuntime();
    const ctx = await stepContext(runtime, secret, TOKEN);
    fake.clearCalls();

    // WHEN
    const result = await createSecret(ctx);

    // THEN: the value's seed and the creation proof, the key, its record proof, the version
    expect(fake.sequence()).toEqual([
      'kms.GenerateMac',
      'kms.GenerateMac',
      'apigateway.CreateApiKey',
      'kms.GenerateMac',
      'secretsmanager.PutSecretValue',
    ]);
    expect(result).toEqual({ keyId: expect.any(String), outcome: 'created' });
    const key = fake.keys.get(result.keyId);
    expect(fake.apiGateway).toHaveReceivedCommandWith(CreateApiKeyCommand, {
      name: 'checkout-0a1b2c3d',
      enabled: true,
      tags: {
        ...originTagsFor(secret, TOKEN),
        [KeyTag.PROOF]: creationProofFor(origin(secret), key?.value ?? ''),
      },
    });
    // AND the pending version names it, with the record proof of its id, staged AWSPENDING
    expect(fake.secretsManager).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: secret.arn,
      ClientRequestToken: TOKEN,
      VersionStages: ['AWSPENDING'],
    });
    expect(pendingValue()).toEqual({
      format: SECRET_FORMAT,
      keyId: result.keyId,
      value: key?.value,
      consumer: 'checkout',
      usagePlanIds: ['plangold', 'planbulk'],
      createdAt: '2025-06-01T12:00:00.000Z',
      proof: proofFor({ ...origin(secret), keyId: result.keyId }),
    });
    expect(secret.versions.get(TOKEN)?.stages).toEqual(['AWSPENDING']);
  });

  test('issues a value in the keyplane format with the consumer prefix', async () => {
    const runtime = testRuntime();
    const { keyId } = await createSecret(await stepContext(runtime, secret, TOKEN));

    const value = fake.keys.get(keyId)?.value ?? '';
    expect(value).toMatch(/^ordK[A-Za-z0-9]{38}$/);
    expect(verifyKeyValue(value, 'ordK')).toBe(true);
  });

  test('derives the same value for a version every time, and another for another version', async () => {
    const first = await createSecret(await stepContext(testRuntime(), secret, TOKEN));
    const firstValue = fake.keys.get(first.keyId)?.value;
    // GIVEN the key and the version's value gone, as if never made
    fake.keys.clear();
    fake.startRotation(secret, TOKEN);

    const again = await createSecret(await stepContext(testRuntime(), secret, TOKEN));
    fake.startRotation(secret, TOKEN_2);
    const other = await createSecret(await stepContext(testRuntime(), secret, TOKEN_2));

    expect(fake.keys.get(again.keyId)?.value).toBe(firstValue);
    expect(fake.keys.get(other.keyId)?.value).not.toBe(firstValue);
  });

  test('a token replayed once AWSCURRENT has moved on derives a new value, never the old one', async () => {
    // GIVEN a rotation with TOKEN made a key (later revoked, say, because it leaked)
    const first = await createSecret(await stepContext(testRuntime(), secret, TOKEN));
    const firstValue = fake.keys.get(first.keyId)?.value;
    // ... rotations moved AWSCURRENT on, and Secrets Manager dropped TOKEN's version and key
    for (const version of secret.versions.values()) {
      version.stages = version.stages.filter((stage) => stage !== 'AWSCURRENT');
    }
    secret.versions.set('vlater', { value: '{}', stages: ['AWSCURRENT'] });
    secret.versions.delete(TOKEN);
    fake.keys.clear();

    // WHEN a caller of RotateSecret chooses TOKEN again
    fake.startRotation(secret, TOKEN);
    const replay = await createSecret(await stepContext(testRuntime(), secret, TOKEN));

    // THEN the old value does not come back
    expect(firstValue).toBeDefined();
    expect(fake.keys.get(replay.keyId)?.value).not.toBe(firstValue);
  });

  test('repeated, makes no second key and rewrites the same JSON', async () => {
    const runtime = testRuntime();
    const first = await createSecret(await stepContext(runtime, secret, TOKEN));
    const written = secret.versions.get(TOKEN)?.value;

    const second = await createSecret(await stepContext(runtime, secret, TOKEN));

    expect(second).toEqual({ keyId: first.keyId, outcome: 'recovered' });
    expect(secret.versions.get(TOKEN)?.value).toBe(written);
    expect(fake.keys.size).toBe(1);
  });

  test('after a crash between CreateApiKey and PutSecretValue, reuses that key', async () => {
    // GIVEN a run that made its key and died before writing the secret
    fake.failNext('PutSecretValue', new Error('Task timed out after 30.00 seconds'));
    await expect(createSecret(await stepContext(testRuntime(), secret, TOKEN))).rejects.toThrow(
      /timed out/
    );
    expect(fake.keys.size).toBe(1);
    const [orphanId] = [...fake.keys.keys()];
    expect(secret.versions.get(TOKEN)?.value).toBeUndefined();

    // WHEN Secrets Manager calls createSecret again, in a fresh container
    const result = await createSecret(await stepContext(testRuntime(), secret, TOKEN));

    // THEN API Gateway refuses a second key with the same value, and the first one is written
    expect(result).toEqual({ keyId: orphanId, outcome: 'recovered' });
    expect(fake.keys.size).toBe(1);
    expect(pendingValue()).toMatchObject({
      keyId: orphanId,
      value: fake.keys.get(orphanId)?.value,
      proof: proofFor({ ...origin(secret), keyId: orphanId }),
    });
  });

  test("when CreateApiKey took effect but its answer was lost, uses the key holding this run's value, never a planted one", async () => {
    // GIVEN a key planted for the version with a value its planter knows and a copy of a real
    // creation proof, and a CreateApiKey whose answer is lost after the key was made
    const runtime = testRuntime();
    const planted = fake.addKey(
      {
        id: 'kplanted',
        name: 'checkout-0a1b2c3d',
        tags: {
          ...originTagsFor(secret, TOKEN),
          [KeyTag.PROOF]: creationProofFor(origin(secret), 'some-other-value'.padEnd(40, 'x')),
        },
      },
      { forged: true }
    );
    const reset = Object.assign(new Error('socket hang up'), { name: 'ECONNRESET' });
    fake.failNext('CreateApiKey', reset, 1, { afterEffect: true });

    // WHEN
    const result = await createSecret(await stepContext(runtime, secret, TOKEN));

    // THEN the run's own key is written and kept; the planted key is untouched
    expect(result.outcome).toBe('recovered');
    expect(result.keyId).not.toBe(planted.id);
    expect(fake.keys.size).toBe(2);
    expect(pendingValue()).toMatchObject({
      keyId: result.keyId,
      value: fake.keys.get(result.keyId)?.value,
    });
    expect(fake.keys.get(planted.id)).toEqual(planted);
  });

  test('when CreateApiKey fails without taking effect, the error is thrown and no key is adopted', async () => {
    const runtime = testRuntime();
    fake.addKey(
      { id: 'kplanted', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) },
      { forged: true }
    );
    fake.failNext('CreateApiKey', Object.assign(new Error('boom'), { name: 'InternalError' }));

    await expect(createSecret(await stepContext(runtime, secret, TOKEN))).rejects.toThrow(/boom/);
    expect(secret.versions.get(TOKEN)?.value).toBeUndefined();
    expect(fake.keys.size).toBe(1);
  });

  test('when a concurrent run wrote the version first, deletes its own key and uses that one', async () => {
    // GIVEN the version already names another key made for it, with its record proof
    const runtime = testRuntime();
    const winner = fake.addKey({
      id: 'kwinner',
      name: 'renamed',
      tags: originTagsFor(secret, TOKEN),
    });
    writePending({
      keyId: winner.id,
      value: winner.value,
      proof: proofFor({ ...origin(secret), keyId: winner.id }),
    });

    const result = await createSecret(await stepContext(runtime, secret, TOKEN));

    expect(result).toEqual({ keyId: 'kwinner', outcome: 'already-done' });
    expect(fake.apiGateway).toHaveReceivedCommandTimes(DeleteApiKeyCommand, 1);
    expect([...fake.keys.keys()]).toEqual(['kwinner']);
  });

  test('fails when the version names a key it cannot prove, and deletes the key it made', async () => {
    const runtime = testRuntime();
    writePending({ keyId: 'kforeign', value: 'a'.repeat(40) });

    await expect(createSecret(await stepContext(runtime, secret, TOKEN))).rejects.toThrow(
      /createSecret: version 0a1b2c3d-.* names key kforeign, which the function cannot prove it made/
    );
    // The key this run made was never handed out and is gone again.
    expect(fake.keys.size).toBe(0);
  });

  test('fails when the pending version holds something other than a key', async () => {
    const runtime = testRuntime();
    const version = secret.versions.get(TOKEN);
    if (version === undefined) throw new Error('no pending version');
    version.value = '{"hello":"world"}';

    await expect(createSecret(await stepContext(runtime, secret, TOKEN))).rejects.toThrow(
      /createSecret: version .* holds a value that is not keyplane JSON; expected no value yet/
    );
  });

  test('never adopts a key planted with the tags of the rotation token: makes its own', async () => {
    // GIVEN someone who chose the token (RotateSecret lets the caller pick it) planted a key
    // with that version's tags and a value they know, but could not compute its proof
    const runtime = testRuntime();
    const planted = fake.addKey(
      { id: 'kplanted', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) },
      { forged: true }
    );

    const result = await createSecret(await stepContext(runtime, secret, TOKEN));

    // THEN the version holds a fresh key, and the planted one is left exactly as it was
    expect(result.outcome).toBe('created');
    expect(result.keyId).not.toBe('kplanted');
    expect(pendingValue()).toMatchObject({ keyId: result.keyId });
    expect(pendingValue().value).not.toBe(planted.value);
    expect(fake.keys.get('kplanted')).toEqual(planted);
  });

  test('never writes the key value to the log', async () => {
    const captured = captureStdout();
    try {
      const runtime = testRuntime();
      const { keyId } = await createSecret(await stepContext(runtime, secret, TOKEN));
      const value = fake.keys.get(keyId)?.value ?? '';

      expect(value.length).toBeGreaterThan(20);
      expect(captured.text()).toContain(keyId);
      expect(captured.text()).not.toContain(value);
      expect(captured.text()).not.toContain(value.slice(4, 24));
    } finally {
      captured.restore();
    }
  });
});
