/**
 * A consumer with a further region (key-regions.ts): every rotation makes the same key value in
 * both regions, puts each key in its region's plans, records each key id with a proof that
 * binds its region, and retires the outgoing key in both; a region that fails stops the
 * rotation before AWSCURRENT moves. The exact calls are pinned: 2 + P API Gateway calls per
 * region, no list call.
 */
import { KeyTag, type IssuedKeyValue } from '../../../contract';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { ROTATION_STEPS, type RotationStep } from '../../../lambdas/rotation/events';
import { rotate } from '../../../lambdas/rotation/rotation';
import type { Runtime } from '../../../lambdas/rotation/runtime';
import { FakeAws, proofFor, type FakeSecret } from './support/fake-aws';
import {
  envWithPolicy,
  NOW,
  SERVICE,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
  TOKEN_3,
} from './support/fixtures';

const US = 'us-east-2';
const fake = new FakeAws();
const us = new FakeAws({ region: US });
let secret: FakeSecret;
let env: RotationEnv;

beforeEach(() => {
  fake.reset();
  us.reset();
  us.addPlan('planusgold');
  us.addPlan('planusbulk');
  secret = seedConsumer(fake);
  env = envWithPolicy({
    checkout: {
      usagePlanIds: ['plangold'],
      regions: [{ region: US, usagePlanIds: ['planusgold', 'planusbulk'] }],
    },
  });
});

const container = () => testRuntime({ env, regions: [us] });

async function rotation(token: string, runtime: () => Runtime = container) {
  fake.startRotation(secret, token);
  const calls = {} as Record<RotationStep, string[]>;
  for (const step of ROTATION_STEPS) {
    fake.clearCalls();
    us.clearCalls();
    await rotate(runtime(), { secretId: secret.arn, token, step });
    calls[step] = FakeAws.sequenceOf(fake, us);
  }
  return calls;
}

function version(token: string): IssuedKeyValue {
  return JSON.parse(secret.versions.get(token)!.value!) as IssuedKeyValue;
}

describe('a consumer in two regions', () => {
  test('gets the same key value in both, each key in its own region plans, each id proven', async () => {
    await rotation(TOKEN);

    const value = version(TOKEN);
    const [regional] = value.regions!;
    expect(regional).toEqual({
      region: US,
      keyId: expect.stringMatching(/^r/),
      usagePlanIds: ['planusgold', 'planusbulk'],
      proof: proofFor({
        service: SERVICE,
        secretArn: secret.arn,
        versionId: TOKEN,
        keyId: regional.keyId,
        region: US,
      }),
    });
    expect(fake.keys.get(value.keyId)!.value).toBe(value.value);
    expect(us.keys.get(regional.keyId)!.value).toBe(value.value);
    expect(us.keys.get(regional.keyId)!.enabled).toBe(true);
    expect(fake.plansOf(value.keyId)).toEqual(['plangold']);
    expect(us.plansOf(regional.keyId)).toEqual(['planusgold', 'planusbulk']);
    expect(fake.currentVersion(secret)).toBe(TOKEN);
  });

  test("a record proof binds its region: the primary's proof does not vouch for the same id elsewhere", () => {
    const subject = { service: SERVICE, secretArn: secret.arn, versionId: TOKEN, keyId: 'k1' };
    expect(proofFor({ ...subject, region: US })).not.toBe(proofFor(subject));
  });

  test('a later rotation tags the outgoing key retire-after in both regions, then moves AWSCURRENT', async () => {
    await rotation(TOKEN);
    const old = version(TOKEN);

    await rotation(TOKEN_2);

    const retireAfter = new Date(NOW.getTime() + 3_600_000).toISOString();
    expect(fake.keys.get(old.keyId)!.tags[KeyTag.RETIRE_AFTER]).toBe(retireAfter);
    expect(us.keys.get(old.regions![0].keyId)!.tags[KeyTag.RETIRE_AFTER]).toBe(retireAfter);
    // The old keys keep working through the grace period, in both regions.
    expect(fake.keys.get(old.keyId)!.enabled).toBe(true);
    expect(us.plansOf(old.regions![0].keyId)).toEqual(['planusgold', 'planusbulk']);
    expect(fake.currentVersion(secret)).toBe(TOKEN_2);
  });

  test("a quick third rotation retires the oldest version's keys in both regions (live-key cap 2)", async () => {
    await rotation(TOKEN);
    await rotation(TOKEN_2);
    const oldest = version(TOKEN);
    const outgoing = version(TOKEN_2);

    await rotation(TOKEN_3);

    expect(fake.keys.get(oldest.keyId)!.enabled).toBe(false);
    expect(us.keys.get(oldest.regions![0].keyId)!.enabled).toBe(false);
    expect(us.plansOf(oldest.regions![0].keyId)).toEqual([]);
    // The outgoing key is in its grace period, in both regions.
    expect(fake.keys.get(outgoing.keyId)!.enabled).toBe(true);
    expect(us.keys.get(outgoing.regions![0].keyId)!.enabled).toBe(true);
    const enabled = (aws: FakeAws) => [...aws.keys.values()].filter((key) => key.enabled);
    expect(enabled(fake)).toHaveLength(2);
    expect(enabled(us)).toHaveLength(2);
  });

  test('with the cap at one live key, the outgoing keys are retired in both regions once the new one is current', async () => {
    env = envWithPolicy({
      checkout: {
        usagePlanIds: ['plangold'],
        regions: [{ region: US, usagePlanIds: ['planusgold', 'planusbulk'] }],
        blastRadius: {
          maxLiveKeys: 1,
          maxRetainedKeys: 2,
          rotateCoolDownSeconds: 0,
          revokeCoolDownSeconds: 0,
        },
      },
    });
    await rotation(TOKEN);
    const outgoing = version(TOKEN);

    await rotation(TOKEN_2);

    expect(fake.keys.get(outgoing.keyId)!.enabled).toBe(false);
    expect(us.keys.get(outgoing.regions![0].keyId)!.enabled).toBe(false);
    const current = version(TOKEN_2);
    expect(fake.keys.get(current.keyId)!.enabled).toBe(true);
    expect(us.keys.get(current.regions![0].keyId)!.enabled).toBe(true);
  });

  test('warm container, later rotation: exactly these calls, 2 + P per region and no list call', async () => {
    const runtime = container();
    await rotation(TOKEN, () => runtime);

    const calls = await rotation(TOKEN_2, () => runtime);

    expect(calls).toEqual({
      createSecret: [
        'secretsmanager.DescribeSecret',
        'kms.GenerateMac', // the seed of the version's key value
        'kms.GenerateMac', // the creation proof, the same in every region
        'apigateway.CreateApiKey',
        'kms.GenerateMac', // the record proof of the primary key id
        `apigateway[${US}].CreateApiKey`, // the same value, origin tags and creation proof
        'kms.GenerateMac', // the record proof of the regional key id, bound to the region
        'secretsmanager.PutSecretValue',
      ],
      setSecret: [
        'secretsmanager.DescribeSecret',
        'apigateway.CreateUsagePlanKey',
        `apigateway[${US}].CreateUsagePlanKey`,
        `apigateway[${US}].CreateUsagePlanKey`,
      ],
      testSecret: ['secretsmanager.DescribeSecret'], // every region named and proven (memo)
      finishSecret: [
        'secretsmanager.DescribeSecret',
        `apigateway[${US}].TagResource`, // the outgoing key's retire-after, in each region
        'apigateway.TagResource',
        'secretsmanager.UpdateSecretVersionStage',
      ],
    });
    const all = Object.values(calls).flat();
    expect(all.filter((c) => c.startsWith('apigateway.'))).toHaveLength(2 + 1);
    expect(all.filter((c) => c.startsWith(`apigateway[${US}].`))).toHaveLength(2 + 2);
    expect(all.filter((c) => /\.Get/.test(c) && c.startsWith('apigateway'))).toEqual([]);
  });

  test('cold containers read the version once per step and verify each region proof', async () => {
    await rotation(TOKEN);

    const calls = await rotation(TOKEN_2);

    expect(calls.testSecret).toEqual([
      'secretsmanager.DescribeSecret',
      'secretsmanager.GetSecretValue',
      'kms.VerifyMac', // the primary key's record proof
      'kms.VerifyMac', // the regional key's
    ]);
    expect(calls.finishSecret).toEqual([
      'secretsmanager.DescribeSecret',
      'secretsmanager.GetSecretValue', // the pending version: every region named
      'kms.VerifyMac',
      'kms.VerifyMac',
      'secretsmanager.GetSecretValue', // the outgoing version
      'kms.VerifyMac', // its regional key's proof
      `apigateway[${US}].TagResource`,
      'kms.VerifyMac', // its primary key's proof
      'apigateway.TagResource',
      'secretsmanager.UpdateSecretVersionStage',
    ]);
  });

  test('a region that fails in createSecret stops the step naming the region; the retry goes on', async () => {
    fake.startRotation(secret, TOKEN);
    us.failNext('CreateApiKey', new Error('connect ECONNREFUSED'));

    await expect(
      rotate(container(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' })
    ).rejects.toThrow(/createSecret: in region us-east-2: Error: connect ECONNREFUSED/);
    expect(secret.versions.get(TOKEN)!.value).toBeUndefined();

    // Secrets Manager retries: the primary key made before is found again, not made twice.
    for (const step of ROTATION_STEPS) {
      await rotate(container(), { secretId: secret.arn, token: TOKEN, step });
    }
    expect(fake.keys.size).toBe(1);
    expect(us.keys.size).toBe(1);
    expect(version(TOKEN).regions![0].keyId).toBe([...us.keys.keys()][0]);
  });

  test('a region that fails while the outgoing key is tagged stops finishSecret before AWSCURRENT moves', async () => {
    await rotation(TOKEN);
    const old = version(TOKEN);
    fake.startRotation(secret, TOKEN_2);
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
      await rotate(container(), { secretId: secret.arn, token: TOKEN_2, step });
    }
    us.failNext('TagResource', new Error('socket hang up'), 10);

    await expect(
      rotate(container(), { secretId: secret.arn, token: TOKEN_2, step: 'finishSecret' })
    ).rejects.toThrow(/finishSecret: in region us-east-2: Error: socket hang up/);

    expect(fake.currentVersion(secret)).toBe(TOKEN);
    for (const [region, keyId] of [
      [fake, old.keyId],
      [us, old.regions![0].keyId],
    ] as const) {
      expect(region.keys.get(keyId)!.enabled).toBe(true);
      expect(region.keys.get(keyId)!.tags[KeyTag.RETIRE_AFTER]).toBeUndefined();
    }
  });

  test('a region added to the policy during a rotation stops it in testSecret, naming the region', async () => {
    fake.startRotation(secret, TOKEN);
    for (const step of ['createSecret', 'setSecret'] as const) {
      await rotate(testRuntime({ env: envWithPolicy({}) }), {
        secretId: secret.arn,
        token: TOKEN,
        step,
      });
    }

    await expect(
      rotate(container(), { secretId: secret.arn, token: TOKEN, step: 'testSecret' })
    ).rejects.toThrow(/version \S+ names no key in region us-east-2, which the consumer declares/);
    await expect(
      rotate(container(), { secretId: secret.arn, token: TOKEN, step: 'finishSecret' })
    ).rejects.toThrow(/names no key in region us-east-2/);
    expect(fake.currentVersion(secret)).not.toBe(TOKEN);
  });

  test('a regional key whose proof does not hold is refused, the region named', async () => {
    await rotation(TOKEN);
    fake.startRotation(secret, TOKEN_2);
    await rotate(container(), { secretId: secret.arn, token: TOKEN_2, step: 'createSecret' });
    // Someone with write access to the secret cannot make it name another key: a forged value.
    const value = version(TOKEN_2);
    const forged = { ...value, regions: [{ ...value.regions![0], keyId: 'r999' }] };
    secret.versions.get(TOKEN_2)!.value = JSON.stringify(forged);

    await expect(
      rotate(container(), { secretId: secret.arn, token: TOKEN_2, step: 'setSecret' })
    ).rejects.toThrow(/names key r999 in region us-east-2, which the function cannot prove/);
  });

  test('a concurrent run that wrote the version first: this run deletes its duplicate key in the region too', async () => {
    fake.startRotation(secret, TOKEN);
    await rotate(container(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' });
    const written = version(TOKEN);
    // Values that no longer clash (as if AWSCURRENT had moved between the runs): this run makes new keys.
    fake.keys.get(written.keyId)!.value = 'x'.repeat(40);
    us.keys.get(written.regions![0].keyId)!.value = 'y'.repeat(40);

    await rotate(container(), { secretId: secret.arn, token: TOKEN, step: 'createSecret' });

    expect([...us.keys.keys()]).toEqual([written.regions![0].keyId]);
    expect([...fake.keys.keys()]).toEqual([written.keyId]);
  });
});
