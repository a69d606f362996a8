/**
 * Bounded blast radius (issue #11 deliverable 7): the live-key cap, the retained-key cap, the
 * rotate and revoke cool-downs and the key budget, each refusal with its message, on the fake.
 */
import { CreateApiKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import {
  blastRadiusProblem,
  DEFAULT_BLAST_RADIUS,
  derivedKeyBudget,
  KeyTag,
  literalPolicyDocument,
  readDeployerPolicies,
  type BlastRadiusPolicy,
} from '../../../contract';
import { REVOKE_VERSION_MARK } from '../../../lambdas/rotation/cool-down';
import type { RotationEnv } from '../../../lambdas/rotation/env';
import { ROTATION_STEPS } from '../../../lambdas/rotation/events';
import { keyBudgetOf } from '../../../lambdas/rotation/key-budget';
import { keysBeyondCaps, withCaps } from '../../../lambdas/rotation/live-key-cap';
import type { ManagedKey } from '../../../lambdas/rotation/managed-key';
import { revoke } from '../../../lambdas/rotation/revoke';
import { rotate } from '../../../lambdas/rotation/rotation';
import { sweep } from '../../../lambdas/rotation/sweep';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import {
  CHECKOUT_POLICY,
  envWithPolicy,
  NOW,
  originTagsFor,
  seedConsumer,
  testRuntime,
  TOKEN,
  TOKEN_2,
  TOKEN_3,
  type TestClock,
} from './support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;
const clock: TestClock = { now: NOW };
const MINUTE = 60_000;

beforeEach(() => {
  fake.reset();
  clock.now = NOW;
  secret = seedConsumer(fake);
});

const envWith = (limits: Partial<BlastRadiusPolicy>, more: Partial<RotationEnv> = {}) =>
  envWithPolicy({ checkout: { blastRadius: { ...DEFAULT_BLAST_RADIUS, ...limits } } }, more);

async function rotateAll(token: string, env: RotationEnv): Promise<string> {
  fake.startRotation(secret, token);
  for (const step of ROTATION_STEPS) {
    await rotate(testRuntime({ env, clock }), { secretId: secret.arn, token, step });
  }
  return String(fake.currentValue(secret).keyId);
}

const enabledKeys = () =>
  [...fake.keys.values()]
    .filter((key) => key.enabled && key.tags[KeyTag.SECRET_ARN] === secret.arn)
    .map((key) => key.id)
    .sort();

describe('the live-key cap', () => {
  test('three quick rotations leave the current key and one in its grace period, the first retired', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 });
    const first = await rotateAll(TOKEN, env);
    const second = await rotateAll(TOKEN_2, env);
    const third = await rotateAll(TOKEN_3, env);

    expect(enabledKeys()).toEqual([second, third].sort());
    expect(fake.keys.get(first)?.tags[KeyTag.DELETE_AFTER]).toBe('2025-06-08T12:00:00.000Z');
    expect(fake.plansOf(first)).toEqual([]);
  });

  test('with maxLiveKeys 1, the outgoing key gets no grace: one enabled key after each rotation', async () => {
    const env = envWith({ maxLiveKeys: 1, rotateCoolDownSeconds: 0 });
    const first = await rotateAll(TOKEN, env);
    const second = await rotateAll(TOKEN_2, env);

    expect(enabledKeys()).toEqual([second]);
    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBe(NOW.toISOString());
  });

  test('with maxLiveKeys 1, a failure retiring the outgoing key after the move does not fail the rotation: the key is left to the sweep, tagged to retire now', async () => {
    const env = envWith({ maxLiveKeys: 1, rotateCoolDownSeconds: 0 });
    const first = await rotateAll(TOKEN, env);
    fake.failNext('DeleteUsagePlanKey', new Error('boom'));

    const second = await rotateAll(TOKEN_2, env);

    expect(String(fake.currentValue(secret).keyId)).toBe(second);
    expect(fake.keys.get(first)?.tags[KeyTag.RETIRE_AFTER]).toBe(NOW.toISOString());
    const swept = await sweep(testRuntime({ env, clock }));
    expect(swept.counts.retiredOverCap).toBe(1);
    expect(enabledKeys()).toEqual([second]);
  });

  test('a later rotation, past grace and the sweep slack, spends no call on the key before the outgoing one', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 });
    await rotateAll(TOKEN, env);
    await rotateAll(TOKEN_2, env);
    clock.now = new Date(NOW.getTime() + 30 * 86_400_000);
    fake.clearCalls();

    await rotateAll(TOKEN_3, env);

    expect(fake.apiGateway).not.toHaveReceivedCommand(UpdateApiKeyCommand);
  });

  test('the sweep retires enabled keys beyond the cap and deletes retired keys beyond maxRetainedKeys, oldest first, never the current key', () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
    const key = (id: string, enabled: boolean, created: Date): ManagedKey => ({
      id,
      enabled,
      createdDate: created,
    });
    const keys = [
      key('kcur', true, at(600)), // current, oldest of all: still kept
      key('kgrace1', true, at(300)),
      key('kgrace2', true, at(200)),
      key('kret1', false, at(900)),
      key('kret2', false, at(800)),
      key('kret3', false, at(700)),
    ];

    const excess = keysBeyondCaps(keys, 'kcur', new Set(), DEFAULT_BLAST_RADIUS, NOW);

    expect([...excess.retire]).toEqual(['kgrace1']);
    // Two retained allowed, one of them now taken by kgrace1: only kret3 (the newest) stays.
    expect([...excess.delete].sort()).toEqual(['kret1', 'kret2']);
    expect(withCaps({ kind: 'keep', reason: 'current' }, 'retire', new Set())).toEqual({
      kind: 'keep',
      reason: 'current',
    });
    expect(withCaps({ kind: 'keep', reason: 'in-grace' }, 'retire', new Set(['p1']))).toEqual({
      kind: 'retire',
      reason: 'over-cap',
      planIds: ['p1'],
    });
    expect(withCaps({ kind: 'keep', reason: 'awaiting-deletion' }, 'delete', new Set())).toEqual({
      kind: 'delete',
      reason: 'over-cap',
    });
  });

  test('a held key counts as live: beside the current key and one in its grace it is retired for the cap, which the traffic watch cannot hold', () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
    const keys: ManagedKey[] = [
      { id: 'kcur', enabled: true, createdDate: at(10) },
      {
        id: 'kgrace',
        enabled: true,
        createdDate: at(100),
        retireAfter: new Date(NOW.getTime() + 60 * MINUTE),
      },
      {
        id: 'kheld',
        enabled: true,
        createdDate: at(3000),
        retireAfter: at(600),
        heldSince: at(600),
      },
    ];

    const excess = keysBeyondCaps(keys, 'kcur', new Set(), DEFAULT_BLAST_RADIUS, NOW);

    expect([...excess.retire]).toEqual(['kheld']);
    // The sweep decided 'expired' for it, which the watch would turn into a hold: now the cap's.
    expect(
      withCaps({ kind: 'retire', reason: 'expired', planIds: ['p1'] }, 'retire', new Set(['p1']))
    ).toEqual({ kind: 'retire', reason: 'over-cap', planIds: ['p1'] });
    // Alone beside the current key, the held key is within the cap.
    expect([
      ...keysBeyondCaps([keys[0], keys[2]], 'kcur', new Set(), DEFAULT_BLAST_RADIUS, NOW).retire,
    ]).toEqual([]);
  });

  test('the key of a rotation in progress does not count: the outgoing key keeps its grace while the rotation is unfinished', () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE);
    const keys: ManagedKey[] = [
      { id: 'kpending', enabled: true, createdDate: at(90) }, // testSecret keeps failing
      { id: 'kcur', enabled: true, createdDate: at(2000) },
      {
        id: 'kgrace',
        enabled: true,
        createdDate: at(3000),
        retireAfter: new Date(NOW.getTime() + 60 * MINUTE),
      },
    ];

    const excess = keysBeyondCaps(keys, 'kcur', new Set(['kpending']), DEFAULT_BLAST_RADIUS, NOW);

    expect([...excess.retire]).toEqual([]);
  });

  test('the sweep applies the caps to proven keys only: a planted key does not push a grace key out', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 });
    await rotateAll(TOKEN, env);
    const grace = await rotateAll(TOKEN_2, env);
    const current = await rotateAll(TOKEN_3, env);
    fake.addKey(
      {
        id: 'kplanted',
        tags: originTagsFor(secret, 'made-up'),
        createdDate: new Date(NOW.getTime() - 120 * MINUTE),
      },
      { forged: true }
    );
    clock.now = new Date(NOW.getTime() + 10 * MINUTE); // the grace key is in its grace

    const result = await sweep(testRuntime({ env, clock }));

    expect(result.counts.retiredOverCap).toBe(0);
    expect(enabledKeys()).toEqual(['kplanted', current, grace].sort());
  });
});

describe('the rotate cool-down', () => {
  // Keys are stamped with the test's clock, as AWS stamps them with its own.
  const fixedNow = fake.now;
  beforeEach(() => (fake.now = () => clock.now));
  afterEach(() => (fake.now = fixedNow));

  /** The deploy's rotation, just completed: its key is the first in the cool-down. */
  const deployed = async (env: RotationEnv) => {
    await rotateAll(TOKEN, env);
    secret.lastRotatedDate = NOW;
  };

  test('lets the first rotate-now after the deploy through; refuses the next one within it, naming the consumer, the keys counted, the time left and the setting; removes AWSPENDING; makes no key', async () => {
    const env = envWith({});
    await deployed(env);
    clock.now = new Date(NOW.getTime() + 2 * MINUTE);
    const second = await rotateAll(TOKEN_2, env); // rotate-now: 1 key in the cool-down
    secret.lastRotatedDate = clock.now;
    clock.now = new Date(NOW.getTime() + 4 * MINUTE);
    fake.startRotation(secret, TOKEN_3);
    fake.clearCalls();

    await expect(
      rotate(testRuntime({ env, clock }), {
        secretId: secret.arn,
        token: TOKEN_3,
        step: 'createSecret',
      })
    ).rejects.toThrow(
      /createSecret: refused: consumer checkout got 2 new keys since 2025-06-01T12:00:00.000Z; its rotateCoolDown is 900s, 660s left/
    );
    expect(fake.apiGateway).not.toHaveReceivedCommand(CreateApiKeyCommand);
    expect(fake.secretsManager).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: TOKEN_3,
    });
    expect(secret.versions.get(TOKEN_3)?.stages).toEqual([]);
    expect(String(fake.currentValue(secret).keyId)).toBe(second);
  });

  test("keys a co-tenant plants with the consumer's tags do not fill it", async () => {
    const env = envWith({});
    await deployed(env);
    fake.addKey(
      {
        id: 'kplanted',
        tags: originTagsFor(secret, 'made-up'),
        createdDate: new Date(NOW.getTime() + MINUTE),
      },
      { forged: true }
    );
    clock.now = new Date(NOW.getTime() + 2 * MINUTE);

    const second = await rotateAll(TOKEN_2, env);

    expect(String(fake.currentValue(secret).keyId)).toBe(second);
    expect(second).not.toBe('kplanted');
  });

  test('a createSecret delivered again within it is not refused for the key its first delivery made: the rotation finishes with that key', async () => {
    const env = envWith({});
    await deployed(env);
    clock.now = new Date(NOW.getTime() + 2 * MINUTE);
    fake.startRotation(secret, TOKEN_2);
    const step = (name: (typeof ROTATION_STEPS)[number]) =>
      rotate(testRuntime({ env, clock }), { secretId: secret.arn, token: TOKEN_2, step: name });
    await step('createSecret');
    const made = String(JSON.parse(secret.versions.get(TOKEN_2)!.value!).keyId);

    await step('createSecret'); // Secrets Manager delivers it again, e.g. after a timeout
    for (const name of ROTATION_STEPS.slice(1)) await step(name);

    expect(String(fake.currentValue(secret).keyId)).toBe(made);
    expect(enabledKeys()).toHaveLength(2); // the deploy's, in its grace, and the one made
  });

  test('lets the rotation through once it has passed, and never refuses with 0', async () => {
    await rotateAll(TOKEN, envWith({}));
    secret.lastRotatedDate = new Date(NOW.getTime() - 15 * MINUTE);
    const second = await rotateAll(TOKEN_2, envWith({}));
    secret.lastRotatedDate = NOW;
    const third = await rotateAll(TOKEN_3, envWith({ rotateCoolDownSeconds: 0 }));

    expect(enabledKeys()).toEqual([second, third].sort());
  });
});

describe('the revoke cool-down', () => {
  test('a revoke right after a rotation goes through; a second one within it is refused, and changes nothing', async () => {
    const env = envWith({});
    await rotateAll(TOKEN, env);
    secret.lastRotatedDate = NOW; // a rotation just completed: it does not hold up a revoke
    const first = await revoke(testRuntime({ env, clock }), secret.arn);
    expect(first.versionId?.endsWith(REVOKE_VERSION_MARK)).toBe(true);
    clock.now = new Date(NOW.getTime() + 2 * MINUTE);

    await expect(revoke(testRuntime({ env, clock }), secret.arn)).rejects.toThrow(
      /revoke: refused: consumer checkout was revoked at 2025-06-01T12:00:00.000Z; its revokeCoolDown is 300s, 180s left/
    );
    expect(enabledKeys()).toEqual([first.keyId]);

    clock.now = new Date(NOW.getTime() + 5 * MINUTE);
    const again = await revoke(testRuntime({ env, clock }), secret.arn);
    expect(again.revokedKeyIds).toEqual([first.keyId]);
  });

  test('revoking one non-current key issues nothing and is never refused', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 });
    await rotateAll(TOKEN, env);
    await revoke(testRuntime({ env, clock }), secret.arn);
    const grace = String(fake.currentValue(secret).keyId);
    await rotateAll(TOKEN_2, env);

    const result = await revoke(testRuntime({ env, clock }), secret.arn, { keyId: grace });

    expect(result.revokedKeyIds).toEqual([grace]);
  });

  test('a planted key with a revoke version id does not hold up a revoke', async () => {
    const env = envWith({});
    await rotateAll(TOKEN, env);
    fake.addKey(
      {
        id: 'kplantedrevoke',
        tags: originTagsFor(secret, `11111111-2222-4333-8444-555555555555${REVOKE_VERSION_MARK}`),
        createdDate: NOW,
      },
      { forged: true }
    );

    const result = await revoke(testRuntime({ env, clock }), secret.arn);

    expect(result.keyId).toBeDefined();
  });
});

describe('the key budget', () => {
  test('is the sum over the consumers of live + retained + 1, or the deployer`s KEYPLANE_KEY_BUDGET', () => {
    expect(
      derivedKeyBudget([DEFAULT_BLAST_RADIUS, { ...DEFAULT_BLAST_RADIUS, maxRetainedKeys: 10 }])
    ).toBe(5 + 13);
    // Six consumers declared by the fixtures, defaults each.
    expect(keyBudgetOf(envWith({}))).toBe(30);
    expect(keyBudgetOf(envWith({}, { keyBudget: 40 }))).toBe(40);
  });

  test('a revoke that would issue a key beyond it is refused with the counts and the setting; planted keys do not count', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 }, { keyBudget: 2 });
    await rotateAll(TOKEN, env);
    fake.addKey({ id: 'kplanted', tags: originTagsFor(secret, 'made-up') }, { forged: true });
    await rotateAll(TOKEN_2, env); // two proven keys, one planted

    await expect(revoke(testRuntime({ env, clock }), secret.arn)).rejects.toThrow(
      /revoke: refused to issue a key: service orders-api holds 2 keys in the region, its key budget is 2 \(keyBudget\)/
    );
  });

  test('a rotation started within a grace period of the last is refused beyond it; AWSPENDING is removed', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 }, { keyBudget: 2 });
    await rotateAll(TOKEN, env);
    await rotateAll(TOKEN_2, env);
    secret.lastRotatedDate = NOW;
    fake.startRotation(secret, TOKEN_3);

    await expect(
      rotate(testRuntime({ env, clock }), {
        secretId: secret.arn,
        token: TOKEN_3,
        step: 'createSecret',
      })
    ).rejects.toThrow(/createSecret: refused to issue a key: .* its key budget is 2/);
    expect(secret.versions.get(TOKEN_3)?.stages).toEqual([]);
  });

  test('the sweep reports the keys held and the budget', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 });
    await rotateAll(TOKEN, env);
    await rotateAll(TOKEN_2, env);

    const result = await sweep(testRuntime({ env, clock }));

    expect({ keysHeld: result.keysHeld, keyBudget: result.keyBudget }).toEqual({
      keysHeld: 2,
      keyBudget: 30,
    });
  });

  test('beyond the budget, the sweep counts proven keys only: keys planted with the service tags do not raise the alarm', async () => {
    const env = envWith({ rotateCoolDownSeconds: 0 }, { keyBudget: 3 });
    await rotateAll(TOKEN, env);
    await rotateAll(TOKEN_2, env);
    for (const id of ['kplant1', 'kplant2', 'kplant3']) {
      fake.addKey({ id, tags: originTagsFor(secret, 'made-up') }, { forged: true });
    }

    const result = await sweep(testRuntime({ env, clock }));

    expect({ keysHeld: result.keysHeld, keyBudget: result.keyBudget }).toEqual({
      keysHeld: 2,
      keyBudget: 3,
    });
  });
});

describe('the limits in the policy document', () => {
  test.each([
    [{ maxLiveKeys: 3 }, 'maxLiveKeys', 'be 1 or 2'],
    [{ maxRetainedKeys: -1 }, 'maxRetainedKeys', 'be a whole number from 0 to 100'],
    [
      { rotateCoolDownSeconds: 14_400 },
      'rotateCoolDownSeconds',
      'under 4h, the shortest rotation schedule',
    ],
    [{ revokeCoolDownSeconds: 1.5 }, 'revokeCoolDownSeconds', 'from 0 to 86400'],
  ])('%j is refused, naming the field and the rule', (change, field, rule) => {
    const blastRadius = { ...DEFAULT_BLAST_RADIUS, ...change };
    expect(blastRadiusProblem(blastRadius)?.field).toBe(field);
    const document = literalPolicyDocument('orders', [
      ['keyplane/test/checkout', { ...CHECKOUT_POLICY, blastRadius }],
    ]);
    const problem = readDeployerPolicies(JSON.stringify(document), '[]', 'orders');
    expect(problem).toEqual({
      field: `consumers[0].blastRadius.${field}`,
      rule: expect.stringContaining(rule),
    });
  });
});
