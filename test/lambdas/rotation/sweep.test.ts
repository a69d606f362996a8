import {
  CreateApiKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
} from '@aws-sdk/client-api-gateway';
import { KeyTag, SecretTag } from '../../../contract';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { rotate } from '../../../lambdas/rotation/rotation';
import { emptySweepCounts, sweep, type SweepCounts } from '../../../lambdas/rotation/sweep';
import { FakeAws, type FakeKey, type FakeSecret } from './support/fake-aws';
import {
  envWithPolicy,
  NOW,
  originTagsFor,
  PREFIX,
  seedConsumer,
  testRuntime,
  TOKEN,
} from './support/fixtures';
import { captureStdout, logLines } from './support/stdout';

const fake = new FakeAws();
const HOUR = 3600 * 1000;
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();
const OLD = new Date(NOW.getTime() - 30 * 24 * HOUR);

let secret: FakeSecret;
let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
  stdout = captureStdout();
});

afterEach(() => stdout.restore());

/** Makes `version` a staged version of the secret (AWSCURRENT or none). */
function version(id: string, stages: string[] = []): string {
  if (stages.includes('AWSCURRENT')) {
    for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== 'AWSCURRENT');
  }
  secret.versions.set(id, { value: '{}', stages });
  return id;
}

function key(
  id: string,
  options: {
    of?: FakeSecret;
    version: string;
    enabled?: boolean;
    tags?: Record<string, string>;
    plans?: string[];
    created?: Date;
    /** Planted by someone else: the tags without a valid ownership proof. */
    forged?: boolean;
  }
): FakeKey {
  const made = fake.addKey(
    {
      id,
      name: `checkout-${id}`,
      enabled: options.enabled ?? true,
      createdDate: options.created ?? OLD,
      tags: { ...originTagsFor(options.of ?? secret, options.version), ...options.tags },
    },
    { forged: options.forged === true }
  );
  for (const plan of options.plans ?? []) fake.addMember(plan, id);
  return made;
}

function expectCounts(counts: SweepCounts, expected: Partial<SweepCounts>): void {
  expect(counts).toEqual({ ...emptySweepCounts(), ...expected });
}

describe('sweep', () => {
  test("leaves keys planted with this service's tags alone, whatever they claim", async () => {
    // GIVEN planted keys: one "due for retirement", one "deleted after", one "current" outside
    // its plans, one of a made-up secret under the prefix (an orphan), none with a valid proof
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kfdue', { version: 'vold', forged: true, tags: { [KeyTag.RETIRE_AFTER]: at(-1) } });
    key('kfdel', {
      version: 'vold',
      forged: true,
      enabled: false,
      tags: { [KeyTag.DELETE_AFTER]: at(-1) },
    });
    key('kfcur', { version: 'vcur', forged: true });
    fake.addKey(
      {
        id: 'kforphan',
        tags: {
          [KeyTag.SERVICE]: 'orders-api',
          [KeyTag.SECRET_ARN]: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${PREFIX}made-up-Zz`,
          [KeyTag.SECRET_VERSION]: 'v1',
        },
      },
      { forged: true }
    );
    const before = JSON.stringify([...fake.keys.entries()]);

    const result = await sweep(testRuntime());

    // THEN no planted key was changed, added to a plan, tagged or deleted; each was reported
    expect(JSON.stringify([...fake.keys.entries()])).toBe(before);
    for (const id of ['kfdue', 'kfdel', 'kfcur', 'kforphan']) expect(fake.plansOf(id)).toEqual([]);
    expect(result.counts.unproven).toBe(4);
    expect(result.counts.deleted + result.counts.retired + result.counts.orphansRetired).toBe(0);
    expect(
      logLines(stdout).filter((line) => String(line.message).startsWith('refused to act'))
    ).toHaveLength(4);
  });

  test('retires outgoing keys past retire-after and keeps those in their grace period', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kdue', {
      version: 'vold1',
      plans: ['plangold', 'planbulk'],
      tags: { [KeyTag.RETIRE_AFTER]: at(-1) },
      created: new Date(NOW.getTime() - 72 * HOUR),
    });
    key('kgrace', {
      version: 'vold2',
      plans: ['plangold'],
      tags: { [KeyTag.RETIRE_AFTER]: at(HOUR) },
      created: new Date(NOW.getTime() - 48 * HOUR),
    });

    const result = await sweep(testRuntime());

    expect(result.complete).toBe(true);
    expect(result.cursor).toBeUndefined();
    // Three enabled keys: the oldest, past its retire-after, is also beyond the live-key cap of
    // 2, so the traffic watch could not hold it.
    expectCounts(result.counts, { keysExamined: 3, retiredOverCap: 1 });
    expect(fake.keys.get('kdue')?.enabled).toBe(false);
    expect(fake.plansOf('kdue')).toEqual([]);
    expect(fake.keys.get('kdue')?.tags[KeyTag.DELETE_AFTER]).toBe(at(7 * 24 * HOUR));
    expect(fake.keys.get('kgrace')?.enabled).toBe(true);
    expect(fake.plansOf('kgrace')).toEqual(['plangold']);
    expect(fake.plansOf('kcur').sort()).toEqual(['planbulk', 'plangold']);
  });

  test('deletes retired keys past delete-after and dates disabled keys without one', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kexpired', { version: 'v1', enabled: false, tags: { [KeyTag.DELETE_AFTER]: at(-1) } });
    key('kwaiting', { version: 'v2', enabled: false, tags: { [KeyTag.DELETE_AFTER]: at(HOUR) } });
    key('kundated', { version: 'v3', enabled: false });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 4, deleted: 1, deletionsScheduled: 1 });
    expect(fake.apiGateway).toHaveReceivedCommandWith(DeleteApiKeyCommand, { apiKey: 'kexpired' });
    expect(fake.keys.has('kexpired')).toBe(false);
    expect(fake.keys.has('kwaiting')).toBe(true);
    expect(fake.keys.get('kundated')?.tags[KeyTag.DELETE_AFTER]).toBe(at(7 * 24 * HOUR));
  });

  test('dates an outgoing key left without retire-after, but not a key created within the hour', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kundated', { version: 'vabandoned' });
    key('knew', { version: 'vnewer', created: new Date(NOW.getTime() - 5 * 60 * 1000) });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 3, retirementsScheduled: 1 });
    expect(fake.keys.get('kundated')?.tags[KeyTag.RETIRE_AFTER]).toBe(at(HOUR));
    expect(fake.keys.get('knew')?.tags[KeyTag.RETIRE_AFTER]).toBeUndefined();
  });

  test('retires the keys of secrets deleted or scheduled for deletion', async () => {
    const scheduled = seedConsumer(fake, { name: 'keyplane/orders-api/gone-soon' });
    scheduled.deletedDate = new Date(NOW.getTime() - HOUR);
    key('korphan1', {
      of: scheduled,
      version: 'terraform-initial-version-0000000000',
      plans: ['plangold'],
    });
    const deletedArn =
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/orders-api/deleted-Xy';
    fake.addKey({
      id: 'korphan2',
      name: 'deleted-1',
      createdDate: OLD,
      tags: {
        [KeyTag.SERVICE]: 'orders-api',
        [KeyTag.SECRET_ARN]: deletedArn,
        [KeyTag.SECRET_VERSION]: 'v1',
      },
    });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 2, orphansRetired: 2 });
    expect(fake.keys.get('korphan1')?.enabled).toBe(false);
    expect(fake.plansOf('korphan1')).toEqual([]);
    expect(fake.keys.get('korphan2')?.enabled).toBe(false);
  });

  test("brings the current key's plans in line with the deployer's policy", async () => {
    // GIVEN a plan removed from the policy (planold) and a plan added to it (planbulk)
    fake.addPlan('planold');
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planold'] });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, {
      keysExamined: 1,
      reconciled: 1,
      plansAdded: 1,
      plansRemoved: 1,
    });
    expect(fake.plansOf('kcur').sort()).toEqual(['planbulk', 'plangold']);
  });

  test('re-enables a disabled current key', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', enabled: false, plans: ['plangold', 'planbulk'] });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 1, reconciled: 1, reenabled: 1 });
    expect(fake.keys.get('kcur')?.enabled).toBe(true);
  });

  test('does not re-enable a key that stopped being current after the listing (a revoke)', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', enabled: false, plans: ['plangold', 'planbulk'] });
    fake.beforeNext('DescribeSecret', () => {
      version('vrevoked-replacement', ['AWSCURRENT']);
    });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 1, skipped: 1 });
    expect(fake.keys.get('kcur')?.enabled).toBe(false);
  });

  test("leaves pending keys and other services' keys alone", async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    version('vpending', ['AWSPENDING']);
    key('kpending', { version: 'vpending' });
    key('kforeign', {
      version: 'v9',
      enabled: false,
      tags: { [KeyTag.SERVICE]: 'billing-api', [KeyTag.DELETE_AFTER]: at(-HOUR) },
    });
    fake.addKey({ id: 'kmanual', tags: {}, createdDate: OLD });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 2 });
    expect(fake.keys.has('kforeign')).toBe(true);
    expect(fake.keys.has('kmanual')).toBe(true);
    expect(fake.keys.get('kpending')?.tags[KeyTag.RETIRE_AFTER]).toBeUndefined();
  });

  test('a key deleted out of band between listing and retiring is not a failure', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kdue', { version: 'vold', plans: ['plangold'], tags: { [KeyTag.RETIRE_AFTER]: at(-1) } });
    fake.beforeNext('DeleteUsagePlanKey', () => {
      fake.keys.delete('kdue');
      fake.plans.get('plangold')?.delete('kdue');
    });

    const result = await sweep(testRuntime());

    expectCounts(result.counts, { keysExamined: 2 });
  });

  test('replaces a current key that was deleted out of band', async () => {
    // GIVEN a consumer whose current key someone deleted
    fake.startRotation(secret, TOKEN);
    for (const step of ROTATION_STEPS) {
      await rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step });
    }
    const lost = String(fake.currentValue(secret).keyId);
    fake.keys.delete(lost);
    for (const members of fake.plans.values()) members.delete(lost);

    // WHEN
    const result = await sweep(testRuntime());

    // THEN a new key is current, enabled and in the declared plans
    expectCounts(result.counts, { healed: 1 });
    const replacement = String(fake.currentValue(secret).keyId);
    expect(replacement).not.toBe(lost);
    expect(fake.keys.get(replacement)?.enabled).toBe(true);
    expect(fake.plansOf(replacement).sort()).toEqual(['planbulk', 'plangold']);
  });

  test('leaves a consumer still on the placeholder to its first rotation', async () => {
    const result = await sweep(testRuntime());

    expectCounts(result.counts, {});
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });

  test('reports a current version edited into something that is not keyplane JSON, without its text, and touches no key', async () => {
    // GIVEN a consumer whose AWSCURRENT was overwritten by hand with broken JSON
    version('vold');
    key('kold', { version: 'vold', plans: ['plangold'] });
    version('vedit', ['AWSCURRENT']);
    secret.versions.get('vedit')!.value = '{"value": "handTypedSecret1234567890';

    // WHEN
    const result = await sweep(testRuntime());

    // THEN a failure names the secret, the text is never written, no key is changed
    expectCounts(result.counts, { keysExamined: 1, skipped: 1, failures: 1 });
    expect(logLines(stdout)).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/not keyplane JSON/),
        secretArn: secret.arn,
      })
    );
    expect(stdout.text()).not.toContain('handTypedSecret');
    expect(fake.keys.get('kold')).toMatchObject({
      enabled: true,
      tags: originTagsFor(secret, 'vold'),
    });
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });

  test("keeps a current key in the deployer's plans whatever the secret's tags say, and reports them", async () => {
    fake.addPlan('otherteamplan');
    secret.tags[SecretTag.USAGE_PLANS] = 'otherteamplan not/valid';
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    const runtime = testRuntime();

    const result = await sweep(runtime);

    expectCounts(result.counts, { keysExamined: 1 });
    expect(fake.plansOf('kcur').sort()).toEqual(['planbulk', 'plangold']);
    expect(runtime.policyAudit.endInvocation().policyTagMismatches).toBe(1);
  });

  test('ignores and reports a rogue secret under the prefix that the deployer did not declare', async () => {
    const rogue = fake.addSecret({ name: `${PREFIX}rogue`, tags: secret.tags });
    rogue.versions.set('vcur', { value: '{}', stages: ['AWSCURRENT'] });
    const runtime = testRuntime();

    const result = await sweep(runtime);

    expect(result.counts.healed).toBe(0);
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
    expect(runtime.policyAudit.endInvocation().unmanagedSecrets).toBe(1);
  });

  test('stops at its budget with a cursor, and the cursor resumes it to the end', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    for (const id of ['kdue1', 'kdue2', 'kdue3', 'kdue4']) {
      key(id, { version: `v-${id}`, plans: ['plangold'], tags: { [KeyTag.RETIRE_AFTER]: at(-1) } });
    }
    const limits = { maxMutatingCalls: 5, safetyMarginMs: 0 };

    const first = await sweep(testRuntime(), { limits });
    expect(first.complete).toBe(false);
    expect(first.cursor).toEqual(expect.any(String));
    expectCounts(first.counts, { keysExamined: 2, retired: 1 });

    let cursor = first.cursor;
    let invocations = 1;
    while (cursor !== undefined) {
      const next = await sweep(testRuntime(), { cursor, limits });
      cursor = next.cursor;
      invocations++;
      expect(invocations).toBeLessThan(10);
    }

    expect(invocations).toBe(4);
    for (const id of ['kdue1', 'kdue2', 'kdue3', 'kdue4']) {
      expect(fake.keys.get(id)?.enabled).toBe(false);
    }
    expect(fake.keys.get('kcur')?.enabled).toBe(true);
  });

  test('starts no work when too little time is left, and says where to resume', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['planbulk', 'plangold'] });
    key('kdue', { version: 'vold', tags: { [KeyTag.RETIRE_AFTER]: at(-1) } });

    const result = await sweep(testRuntime(), { remainingTimeMs: 10_000 });

    expect(result.complete).toBe(false);
    expect(result.cursor).toEqual(expect.any(String));
    expect(fake.keys.get('kdue')?.enabled).toBe(true);
    const resumed = await sweep(testRuntime(), { cursor: result.cursor });
    expectCounts(resumed.counts, { keysExamined: 2, retired: 1 });
  });

  test('fails for a cursor it did not make', async () => {
    await expect(sweep(testRuntime(), { cursor: 'not-a-cursor' })).rejects.toThrow(
      /cursor is not one a previous sweep returned/
    );
  });

  test('counts the consumers whose current key is older than their schedule plus the margin', async () => {
    // GIVEN checkout on rate(7 days) with a 30-day-old current key: overdue
    secret.rotationRules = { ScheduleExpression: 'rate(7 days)' };
    key('kold', { version: version('vcur', ['AWSCURRENT']), plans: ['plangold', 'planbulk'] });
    // AND fresh, whose key is one day old: on time
    const fresh = seedConsumer(fake, { name: `${PREFIX}fresh` });
    fresh.rotationRules = { ScheduleExpression: 'rate(7 days)' };
    fresh.versions.set('vfresh', { value: '{}', stages: ['AWSCURRENT'] });
    fresh.versions.delete('terraform-initial-version-0000000000');
    key('kfresh', { of: fresh, version: 'vfresh', created: new Date(NOW.getTime() - 24 * HOUR) });
    // AND keyless, on its placeholder since its secret was made 30 days ago: overdue
    const keyless = seedConsumer(fake, { name: `${PREFIX}keyless` });
    keyless.rotationRules = { AutomaticallyAfterDays: 7 };
    keyless.createdDate = OLD;
    // AND paused, rotation turned off: never overdue
    const paused = seedConsumer(fake, { name: `${PREFIX}paused`, rotationEnabled: false });
    paused.rotationRules = { ScheduleExpression: 'rate(1 day)' };
    paused.createdDate = OLD;

    const result = await sweep(testRuntime());

    expect(result.overdueConsumers).toBe(2);
    expect(logLines(stdout).at(-1)).toMatchObject({ overdueConsumers: 2 });
  });

  test('counts no consumer overdue within the margin', async () => {
    secret.rotationRules = { ScheduleExpression: 'rate(28 days)' };
    key('kcur', { version: version('vcur', ['AWSCURRENT']), plans: ['plangold', 'planbulk'] });

    // 30 days old, due after 28: within the 2-day margin.
    expect((await sweep(testRuntime())).overdueConsumers).toBe(0);
  });

  test('writes one summary line with counts only', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold', 'planbulk'] });
    key('kdue', { version: 'vold', tags: { [KeyTag.RETIRE_AFTER]: at(-1) } });

    await sweep(testRuntime());

    const lines = logLines(stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      module: 'sweep',
      message: 'sweep summary',
      complete: true,
      keysExamined: 2,
      retired: 1,
      mutatingCalls: 2,
    });
    expect(stdout.text()).not.toMatch(/kdue|kcur|arn:aws/);
  });

  test('reads in list pages: N keys cost N/500 GetApiKeys calls and nothing per key', async () => {
    // GIVEN 600 consumers, each with a current key (in both plans) and an outgoing key in grace,
    // traffic watching off (its per-key reads are counted in traffic-watch.test.ts)
    const consumers = 600;
    for (let i = 0; i < consumers; i++) {
      const s = fake.addSecret({
        name: `keyplane/orders-api/c${i}`,
        tags: {
          ...secret.tags,
          [SecretTag.CONSUMER]: `c${i}`,
          [SecretTag.CARRY_QUOTA]: 'false',
          [SecretTag.QUIET_PERIOD_SECONDS]: '0',
          [SecretTag.MAX_HOLD_SECONDS]: '0',
        },
      });
      s.versions.set('vcur', { value: '{}', stages: ['AWSCURRENT'] });
      s.versions.delete('terraform-initial-version-0000000000');
      key(`a${String(i).padStart(5, '0')}`, {
        of: s,
        version: 'vcur',
        plans: ['plangold', 'planbulk'],
      });
      key(`b${String(i).padStart(5, '0')}`, {
        of: s,
        version: 'vold',
        plans: ['plangold', 'planbulk'],
        tags: { [KeyTag.RETIRE_AFTER]: at(HOUR) },
      });
    }

    const declared = Object.fromEntries(
      Array.from({ length: consumers }, (_, n) => [
        `c${n}`,
        { consumer: `c${n}`, carryQuota: false, quietPeriodSeconds: 0, maxHoldSeconds: 0 },
      ])
    );
    const result = await sweep(testRuntime({ env: envWithPolicy(declared) }));

    // THEN: 1200 keys, 601 secrets, 2 plans of 1200 members each
    expect(result.counts.keysExamined).toBe(1200);
    expect(result.counts.failures).toBe(0);
    expect(fake.apiGateway).toHaveReceivedCommandTimes(GetApiKeysCommand, 3);
    expect(fake.callCounts()).toEqual({
      ListSecrets: 7, // 601 secrets, 100 a page
      GetApiKeys: 3, // 1200 keys, 500 a page
      GetUsagePlans: 1,
      GetUsagePlanKeys: 6, // 2 plans x 1200 members, 500 a page
      GetSecretValue: 1, // the consumer still on its placeholder: does it hold a key yet?
    });
  });
});

describe('sweep, dry run', () => {
  test('lists what it would retire, delete, schedule and reconcile, and changes nothing', async () => {
    version('vcur', ['AWSCURRENT']);
    key('kcur', { version: 'vcur', plans: ['plangold'] });
    key('kdue', {
      version: 'v1',
      plans: ['plangold'],
      tags: { [KeyTag.RETIRE_AFTER]: at(-1) },
      created: new Date(NOW.getTime() - 72 * HOUR),
    });
    key('kexpired', { version: 'v2', enabled: false, tags: { [KeyTag.DELETE_AFTER]: at(-1) } });
    key('kundated', { version: 'v3', enabled: false });
    key('kgrace', {
      version: 'v4',
      tags: { [KeyTag.RETIRE_AFTER]: at(HOUR) },
      created: new Date(NOW.getTime() - 48 * HOUR),
    });

    const result = await sweep(testRuntime(), { dryRun: true });

    expect(result.complete).toBe(true);
    expectCounts(result.counts, { keysExamined: 5 });
    expect(result.planned).toEqual([
      {
        action: 'reconcile',
        keyId: 'kcur',
        secretArn: secret.arn,
        detail: 'add to planbulk',
      },
      // Past its retire-after, and the oldest of three enabled keys: beyond the cap of 2.
      { action: 'retire', keyId: 'kdue', secretArn: secret.arn, detail: 'over-cap' },
      { action: 'delete', keyId: 'kexpired', secretArn: secret.arn },
      {
        action: 'schedule-deletion',
        keyId: 'kundated',
        secretArn: secret.arn,
        detail: `delete after ${at(7 * 24 * HOUR)}`,
      },
    ]);
    expect(fake.keys.get('kdue')?.enabled).toBe(true);
    expect(fake.plansOf('kdue')).toEqual(['plangold']);
    expect(fake.keys.has('kexpired')).toBe(true);
    expect(fake.keys.get('kundated')?.tags[KeyTag.DELETE_AFTER]).toBeUndefined();
    expect(fake.plansOf('kcur')).toEqual(['plangold']);
  });

  test('lists a consumer whose current key is missing as heal, and issues no key', async () => {
    fake.startRotation(secret, TOKEN);
    for (const step of ROTATION_STEPS) {
      await rotate(testRuntime(), { secretId: secret.arn, token: TOKEN, step });
    }
    const lost = String(fake.currentValue(secret).keyId);
    fake.keys.delete(lost);
    fake.apiGateway.resetHistory();

    const result = await sweep(testRuntime(), { dryRun: true });

    expect(result.planned).toEqual([{ action: 'heal', keyId: lost, secretArn: secret.arn }]);
    expect(fake.currentValue(secret).keyId).toBe(lost);
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
  });
});
