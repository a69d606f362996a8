/**
 * The sweep's traffic watch end to end on the fake AWS: holds, early retirements, the quota
 * shared between a consumer's two keys (one plan and several), and the calls it adds per sweep.
 */
import { KeyTag, SecretTag } from '../../../contract';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { revoke } from '../../../lambdas/rotation/revoke';
import { sweep } from '../../../lambdas/rotation/sweep';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  envFromPolicyTags,
  NOW,
  originTagsFor,
  seedConsumer,
  testRuntime,
  type TestClock,
} from './support/fixtures';

const fake = new FakeAws();
const HOUR = 3600 * 1000;
const TODAY = NOW.toISOString().slice(0, 10);
let secret: FakeSecret;
let clock: TestClock;
let env: RotationEnv;

/** A consumer mid-rotation: kcur current, kold outgoing until NOW + grace, both in `plans`. */
function rotated(plans: string[], tags: Record<string, string> = {}, graceHours = 24): void {
  env = envFromPolicyTags(tags);
  secret = seedConsumer(fake, { tags });
  secret.versions.set('vold', { value: '{}', stages: ['AWSPREVIOUS'] });
  secret.versions.set('vcur', { value: '{}', stages: ['AWSCURRENT'] });
  secret.versions.delete('terraform-initial-version-0000000000');
  const retireAfter = new Date(NOW.getTime() + graceHours * HOUR).toISOString();
  for (const [id, version, extra] of [
    ['kold', 'vold', { [KeyTag.RETIRE_AFTER]: retireAfter }],
    ['kcur', 'vcur', {}],
  ] as const) {
    fake.addKey({
      id,
      name: `checkout-${id}`,
      enabled: true,
      createdDate: new Date(NOW.getTime() - 30 * 24 * HOUR),
      tags: { ...originTagsFor(secret, version), ...extra },
    });
    for (const plan of plans) fake.addMember(plan, id);
  }
}

const later = (hours: number): void => {
  clock.now = new Date(clock.now.getTime() + hours * HOUR);
};
const runSweep = () => sweep(testRuntime({ clock, env }));

beforeEach(() => {
  fake.reset();
  clock = { now: NOW };
  fake.now = () => clock.now;
});

describe('traffic-aware retirement', () => {
  beforeEach(() =>
    rotated(['plangold', 'planbulk'], { [SecretTag.USAGE_PLANS]: 'plangold planbulk' })
  );

  test('retires the outgoing key early once it has been quiet for the quiet period', async () => {
    fake.addTraffic('plangold', 'kold', 50); // before the rotation, the same day
    await runSweep(); // first reading: nothing can be told yet
    expect(fake.keys.get('kold')?.enabled).toBe(true);
    later(3);
    expect((await runSweep()).counts.retiredEarly).toBe(0); // quiet 3h of 6h
    later(3);

    const result = await runSweep();

    expect(result.counts).toMatchObject({ retiredEarly: 1, retired: 0 });
    expect(fake.keys.get('kold')?.enabled).toBe(false);
    expect(fake.plansOf('kold')).toEqual([]);
  });

  test('keeps a used key past its grace period (held, tagged, counted), then retires it at the maximum hold', async () => {
    await runSweep();
    later(23);
    fake.addTraffic('planbulk', 'kold', 5);
    await runSweep();
    later(2); // grace over, still used
    fake.addTraffic('planbulk', 'kold', 5);

    const held = await runSweep();

    expect(held.counts).toMatchObject({ held: 1, retired: 0 });
    expect(fake.keys.get('kold')?.enabled).toBe(true);
    expect(fake.keys.get('kold')?.tags[KeyTag.HELD_SINCE]).toBe(clock.now.toISOString());
    later(3 * 24);
    fake.addTraffic('planbulk', 'kold', 5);

    const ended = await runSweep();

    expect(ended.counts).toMatchObject({ held: 0, retired: 1 });
    expect(fake.keys.get('kold')?.enabled).toBe(false);
  });

  test('a key unused when its grace period ends is retired as before', async () => {
    await runSweep();
    later(25);
    expect((await runSweep()).counts).toMatchObject({ retired: 1, held: 0 });
  });

  test('an emergency revoke disables a held key at once', async () => {
    await runSweep();
    later(25);
    fake.addTraffic('plangold', 'kold', 5);
    expect((await runSweep()).counts.held).toBe(1);

    const result = await revoke(testRuntime({ clock, env }), secret.arn, { keyId: 'kold' });

    expect(result.revokedKeyIds).toEqual(['kold']);
    expect(fake.keys.get('kold')?.enabled).toBe(false);
  });
});

describe('quota shared between the two keys', () => {
  test('the key carrying the traffic gets the pool, the other the slack; both together stay within limit + slack', async () => {
    fake.addPlan('plandaily', { limit: 1000, period: 'DAY' });
    rotated(['plandaily'], { [SecretTag.USAGE_PLANS]: 'plandaily' });
    fake.addTraffic('plandaily', 'kold', 300);
    await runSweep(); // outgoing leads (the new key unused): kold 700, kcur 100
    expect(fake.remainingAt('plandaily', 'kold', TODAY)).toBe(700);
    expect(fake.remainingAt('plandaily', 'kcur', TODAY)).toBe(100);

    // The consumer moves: the new key runs into its slack, the next sweep hands it the pool.
    expect(fake.addTraffic('plandaily', 'kcur', 150)).toBe(100);
    later(1);
    const result = await runSweep();

    expect(result.counts.quotaRebalanced).toBe(2);
    expect(fake.remainingAt('plandaily', 'kcur', TODAY)).toBe(600);
    expect(fake.remainingAt('plandaily', 'kold', TODAY)).toBe(100);
    const spent =
      fake.addTraffic('plandaily', 'kcur', 5000) + fake.addTraffic('plandaily', 'kold', 5000);
    expect(300 + 100 + spent).toBe(1000 + 100); // limit + 10% slack, at most
  });

  test('the current key gets the whole pool back when the outgoing key is retired', async () => {
    fake.addPlan('plandaily', { limit: 1000, period: 'DAY' });
    rotated(['plandaily'], { [SecretTag.USAGE_PLANS]: 'plandaily' });
    fake.addTraffic('plandaily', 'kold', 300);
    await runSweep();
    expect(fake.remainingAt('plandaily', 'kcur', TODAY)).toBe(100); // the follower's share
    later(6); // quiet for the quiet period: retired early

    const result = await runSweep();

    expect(result.counts).toMatchObject({ retiredEarly: 1, quotaRebalanced: 1 });
    expect(fake.remainingAt('plandaily', 'kcur', TODAY)).toBe(700);
  });

  test('several plans: each plan with a quota is shared on its own, a plan without one is left alone', async () => {
    fake.addPlan('planmonth', { limit: 5000, period: 'MONTH' });
    fake.addPlan('planweek', { limit: 200, period: 'WEEK' });
    rotated(['planmonth', 'planweek', 'plangold'], {
      [SecretTag.USAGE_PLANS]: 'planmonth planweek plangold',
    });
    fake.addTraffic('planmonth', 'kold', 1000);
    fake.addTraffic('planweek', 'kold', 20);
    fake.clearCalls();

    const result = await runSweep();

    expect(fake.remainingAt('planmonth', 'kold', TODAY)).toBe(4000);
    expect(fake.remainingAt('planmonth', 'kcur', TODAY)).toBe(500);
    expect(fake.remainingAt('planweek', 'kcur', TODAY)).toBe(20);
    expect(result.counts.quotaRebalanced).toBe(2); // the new keys' shares; the old ones are right
    // The calls the watch adds per outgoing key and sweep: 2 GetUsage per shared plan, an
    // UpdateUsage per share to change, one TagResource for the mark.
    expect(fake.callCounts()).toMatchObject({ GetUsage: 6, UpdateUsage: 2, TagResource: 1 });
  });

  test('carryQuota false: no quota shares, traffic still watched', async () => {
    fake.addPlan('plandaily', { limit: 1000, period: 'DAY' });
    rotated(['plandaily'], {
      [SecretTag.USAGE_PLANS]: 'plandaily',
      [SecretTag.CARRY_QUOTA]: 'false',
    });
    fake.clearCalls();

    await runSweep();

    expect(fake.callCounts()).toMatchObject({ GetUsage: 1, TagResource: 1 });
    expect(fake.callCounts().UpdateUsage).toBeUndefined();
  });
});
