/**
 * Retirement, revoke, the sweep and the teardown of a consumer in two regions (key-regions.ts):
 * each acts on the keys of every region; a region that fails while a key is retired leaves that
 * key enabled with its retire-after tag, and the next sweep retires it.
 */
import { KeyTag, type IssuedKeyValue } from '../../../contract';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { revoke } from '../../../lambdas/rotation/revoke';
import { rotate } from '../../../lambdas/rotation/rotation';
import { sweep } from '../../../lambdas/rotation/sweep';
import { teardown } from '../../../lambdas/rotation/teardown';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  envWithPolicy,
  NOW,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
  type TestClock,
} from './support/fixtures';

const US = 'us-east-2';
const fake = new FakeAws();
const us = new FakeAws({ region: US });
let secret: FakeSecret;
let env: RotationEnv;
let clock: TestClock;
const HOUR = 3_600_000;

const REGIONS = [{ region: US, usagePlanIds: ['planusgold'] }];

beforeEach(() => {
  fake.reset();
  us.reset();
  us.addPlan('planusgold');
  secret = seedConsumer(fake);
  clock = { now: NOW };
  env = envWithPolicy({ checkout: { usagePlanIds: ['plangold'], regions: REGIONS } });
});

const runtime = () => testRuntime({ env, clock, regions: [us] });

async function rotation(token: string): Promise<IssuedKeyValue> {
  fake.startRotation(secret, token);
  for (const step of ROTATION_STEPS) {
    await rotate(runtime(), { secretId: secret.arn, token, step });
  }
  return JSON.parse(secret.versions.get(token)!.value!) as IssuedKeyValue;
}

/** Whether the key serves requests in its region: enabled and in a plan. */
function serves(region: FakeAws, keyId: string): boolean {
  return region.keys.get(keyId)?.enabled === true && region.plansOf(keyId).length > 0;
}

describe('retiring the keys of a consumer in two regions', () => {
  test('the sweep retires the outgoing key in both regions once its grace period is over', async () => {
    const old = await rotation(TOKEN);
    const current = await rotation(TOKEN_2);
    clock.now = new Date(NOW.getTime() + 2 * HOUR);

    const result = await sweep(runtime());

    expect(result.complete).toBe(true);
    expect(result.counts.retired).toBe(2);
    expect(serves(fake, old.keyId)).toBe(false);
    expect(serves(us, old.regions![0].keyId)).toBe(false);
    expect(us.keys.get(old.regions![0].keyId)!.tags[KeyTag.DELETE_AFTER]).toBeDefined();
    expect(serves(fake, current.keyId)).toBe(true);
    expect(serves(us, current.regions![0].keyId)).toBe(true);
  });

  test('secrets are listed and a rogue one reported once, whatever the number of regions', async () => {
    await rotation(TOKEN);
    const rogue = fake.addSecret({ name: `${secret.name}-rogue`, tags: secret.tags });
    rogue.versions.set('vcur', { value: '{}', stages: ['AWSCURRENT'] });
    const rt = runtime();
    rt.policyAudit.endInvocation();
    const before = fake.callCounts().ListSecrets ?? 0;

    await sweep(rt);

    expect((fake.callCounts().ListSecrets ?? 0) - before).toBe(1);
    expect(rt.policyAudit.endInvocation().unmanagedSecrets).toBe(1);
  });

  test('a region that fails while a key is retired is retried by the next sweep', async () => {
    const old = await rotation(TOKEN);
    await rotation(TOKEN_2);
    clock.now = new Date(NOW.getTime() + 2 * HOUR);
    us.failNext('UpdateApiKey', new Error('connect ETIMEDOUT'));

    const first = await sweep(runtime());

    const regionalOld = old.regions![0].keyId;
    expect(first.counts).toMatchObject({ retired: 1, failures: 1 });
    expect(serves(fake, old.keyId)).toBe(false);
    // Still enabled in the failed region, and still tagged to be retired: the state says so.
    expect(us.keys.get(regionalOld)!.enabled).toBe(true);
    expect(us.keys.get(regionalOld)!.tags[KeyTag.RETIRE_AFTER]).toBeDefined();

    const next = await sweep(runtime());

    expect(next.counts).toMatchObject({ retired: 1, failures: 0 });
    expect(us.keys.get(regionalOld)!.enabled).toBe(false);
  });

  test('a further region that cannot be read is counted and left for the next sweep; the others go on', async () => {
    const old = await rotation(TOKEN);
    await rotation(TOKEN_2);
    clock.now = new Date(NOW.getTime() + 2 * HOUR);
    us.failNext('GetApiKeys', new Error('connect ECONNREFUSED'));

    const result = await sweep(runtime());

    expect(result).toMatchObject({ complete: true, counts: { retired: 1, failures: 1 } });
    expect(serves(fake, old.keyId)).toBe(false);
    expect(serves(us, old.regions![0].keyId)).toBe(true);
  });

  test("the sweep puts the current key back in the region's declared plans", async () => {
    const current = await rotation(TOKEN);
    const regional = current.regions![0].keyId;
    us.plans.get('planusgold')!.delete(regional);

    const result = await sweep(runtime());

    expect(result.counts.plansAdded).toBe(1);
    expect(us.plansOf(regional)).toEqual(['planusgold']);
    expect(fake.plansOf(current.keyId)).toEqual(['plangold']);
  });

  test('a region added to a consumer is healed by a rotation that makes the key there too', async () => {
    env = envWithPolicy({ checkout: { usagePlanIds: ['plangold'] } });
    const before = await rotation(TOKEN);
    expect(before.regions).toBeUndefined();
    env = envWithPolicy({ checkout: { usagePlanIds: ['plangold'], regions: REGIONS } });

    const result = await sweep(runtime());

    expect(result.counts.healed).toBe(1);
    const healed = fake.currentValue(secret) as unknown as IssuedKeyValue;
    expect(healed.value).not.toBe(before.value);
    expect(us.keys.get(healed.regions![0].keyId)!.value).toBe(healed.value);
    expect(serves(us, healed.regions![0].keyId)).toBe(true);
  });

  test('a dry run lists the retirement in each region, naming the further one, and changes nothing', async () => {
    const old = await rotation(TOKEN);
    await rotation(TOKEN_2);
    clock.now = new Date(NOW.getTime() + 2 * HOUR);

    const result = await sweep(runtime(), { dryRun: true });

    expect(result.planned).toEqual([
      { action: 'retire', keyId: old.keyId, secretArn: secret.arn, detail: 'expired' },
      {
        action: 'retire',
        keyId: old.regions![0].keyId,
        secretArn: secret.arn,
        detail: 'expired',
        region: US,
      },
    ]);
    expect(serves(us, old.regions![0].keyId)).toBe(true);
  });

  test('a resumed sweep goes on in the region its cursor names', async () => {
    const old = await rotation(TOKEN);
    await rotation(TOKEN_2);
    clock.now = new Date(NOW.getTime() + 2 * HOUR);
    // The primary retirement takes 3 calls: nothing is left for the region's.
    const first = await sweep(runtime(), { limits: { maxMutatingCalls: 3, safetyMarginMs: 0 } });
    expect(first.complete).toBe(false);
    expect(serves(us, old.regions![0].keyId)).toBe(true);

    const resumed = await sweep(runtime(), { cursor: first.complete ? undefined : first.cursor });

    expect(resumed).toMatchObject({ complete: true, counts: { retired: 1 } });
    expect(serves(us, old.regions![0].keyId)).toBe(false);
  });
});

describe('revoke of a consumer in two regions', () => {
  test('revokes every enabled key in both regions after issuing a new one in both', async () => {
    const old = await rotation(TOKEN);

    const result = await revoke(runtime(), secret.arn);

    const regionalOld = old.regions![0].keyId;
    expect(result.revokedKeyIds).toEqual([old.keyId, regionalOld].sort());
    expect(serves(fake, old.keyId)).toBe(false);
    expect(serves(us, regionalOld)).toBe(false);
    const fresh = fake.currentValue(secret) as unknown as IssuedKeyValue;
    expect(serves(fake, fresh.keyId)).toBe(true);
    expect(serves(us, fresh.regions![0].keyId)).toBe(true);
  });

  test('revoking one regional key revokes its value everywhere', async () => {
    const old = await rotation(TOKEN);
    const regionalOld = old.regions![0].keyId;

    const result = await revoke(runtime(), secret.arn, { keyId: regionalOld });

    expect(result.revokedKeyIds).toEqual([old.keyId, regionalOld].sort());
    expect(fake.keys.get(old.keyId)!.enabled).toBe(false);
    expect(us.keys.get(regionalOld)!.enabled).toBe(false);
  });
});

test('the teardown deletes the keys of a gone secret in every region', async () => {
  await rotation(TOKEN);
  secret.deletedDate = NOW;

  const result = await teardown(runtime(), 'delete');

  expect(result.deleted).toBe(2);
  expect(fake.keys.size).toBe(0);
  expect(us.keys.size).toBe(0);
});
