import { DEFAULT_GRACE_PERIOD_SECONDS } from '../../../contract';
import type { ConsumerPolicy } from '../../../lambdas/rotation/consumer-policy';
import type { ManagedKey } from '../../../lambdas/rotation/managed-key';
import type { SecretState } from '../../../lambdas/rotation/secret-store';
import {
  actionCost,
  decideKeyAction,
  RECENT_KEY_MS,
  type KeySecret,
} from '../../../lambdas/rotation/sweep-decision';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const HOUR = 3600 * 1000;
const WEEK_SECONDS = 7 * 24 * 3600;
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

const policy: ConsumerPolicy = {
  consumer: 'checkout',
  usagePlanIds: ['gold', 'bulk'],
  gracePeriodSeconds: 3600,
  keyPrefix: '',
  carryQuota: true,
  quotaSlackPercent: 10,
  quietPeriodSeconds: 0,
  maxHoldSeconds: 0,
};

const secret: SecretState = {
  arn: 'arn:secret',
  name: 'keyplane/x',
  rotationEnabled: true,
  deleted: false,
  tags: {},
  versions: new Map([
    ['v-current', ['AWSCURRENT']],
    ['v-previous', ['AWSPREVIOUS']],
    ['v-pending', ['AWSPENDING']],
  ]),
};
const live: KeySecret = { kind: 'live', secret, policy };

function key(overrides: Partial<ManagedKey>): ManagedKey {
  return {
    id: 'k1',
    enabled: true,
    createdDate: at(-30 * 24 * HOUR),
    service: 'svc',
    secretArn: 'arn:secret',
    secretVersion: 'v-previous',
    ...overrides,
  };
}

const decide = (k: ManagedKey, s: KeySecret = live, plans: string[] = []) =>
  decideKeyAction(k, s, new Set(plans), NOW, WEEK_SECONDS);

describe('decideKeyAction', () => {
  describe('the current key', () => {
    test('in line with its tags: kept', () => {
      expect(decide(key({ secretVersion: 'v-current' }), live, ['gold', 'bulk'])).toEqual({
        kind: 'keep',
        reason: 'current',
      });
    });

    test('missing a declared plan and in an undeclared one: reconciled both ways', () => {
      expect(decide(key({ secretVersion: 'v-current' }), live, ['gold', 'silver'])).toEqual({
        kind: 'reconcile',
        enable: false,
        addTo: ['bulk'],
        removeFrom: ['silver'],
      });
    });

    test('missing a declared plan only: added to it, removed from nothing', () => {
      expect(decide(key({ secretVersion: 'v-current' }), live, ['gold'])).toEqual({
        kind: 'reconcile',
        enable: false,
        addTo: ['bulk'],
        removeFrom: [],
      });
    });

    test('in an undeclared plan only (a downgrade): removed from it, added to nothing', () => {
      expect(decide(key({ secretVersion: 'v-current' }), live, ['gold', 'bulk', 'silver'])).toEqual(
        { kind: 'reconcile', enable: false, addTo: [], removeFrom: ['silver'] }
      );
    });

    test('plans to add in declared order, plans to leave sorted', () => {
      expect(decide(key({ secretVersion: 'v-current' }), live, ['zeta', 'alpha'])).toEqual({
        kind: 'reconcile',
        enable: false,
        addTo: ['gold', 'bulk'],
        removeFrom: ['alpha', 'zeta'],
      });
    });

    test('disabled and missing a plan: re-enabled and added to it', () => {
      expect(decide(key({ secretVersion: 'v-current', enabled: false }), live, ['bulk'])).toEqual({
        kind: 'reconcile',
        enable: true,
        addTo: ['gold'],
        removeFrom: [],
      });
    });

    test('disabled: re-enabled, never retired or deleted, whatever its tags say', () => {
      const action = decide(
        key({
          secretVersion: 'v-current',
          enabled: false,
          retireAfter: at(-HOUR),
          deleteAfter: at(-HOUR),
        }),
        live,
        ['gold', 'bulk']
      );
      expect(action).toEqual({ kind: 'reconcile', enable: true, addTo: [], removeFrom: [] });
    });

    test('with invalid secret tags: kept and reported', () => {
      expect(decide(key({ secretVersion: 'v-current' }), { kind: 'live', secret })).toEqual({
        kind: 'keep',
        reason: 'invalid-policy',
      });
    });
  });

  test('a key without a version tag is never taken for the current one, even with no AWSCURRENT', () => {
    const noCurrent: KeySecret = {
      kind: 'live',
      secret: { ...secret, versions: new Map([['v-pending', ['AWSPENDING']]]) },
      policy,
    };
    expect(decide(key({ secretVersion: undefined }), noCurrent, ['gold', 'bulk'])).toEqual({
      kind: 'schedule-retirement',
      retireAfter: at(HOUR),
    });
    expect(decide(key({ secretVersion: undefined }), live, ['gold', 'bulk'])).toEqual({
      kind: 'schedule-retirement',
      retireAfter: at(HOUR),
    });
  });

  test('the key of a rotation in progress is left alone, disabled or not', () => {
    expect(
      decide(key({ secretVersion: 'v-pending', enabled: false, deleteAfter: at(-HOUR) }))
    ).toEqual({ kind: 'keep', reason: 'pending' });
  });

  test('the key of a rotation in progress is left alone', () => {
    expect(decide(key({ secretVersion: 'v-pending', retireAfter: at(-HOUR) }))).toEqual({
      kind: 'keep',
      reason: 'pending',
    });
  });

  describe('an outgoing key', () => {
    test('in its grace period: kept', () => {
      expect(decide(key({ retireAfter: at(HOUR) }))).toEqual({ kind: 'keep', reason: 'in-grace' });
    });

    test('past retire-after: retired from the plans it is in', () => {
      expect(decide(key({ retireAfter: at(-1) }), live, ['gold'])).toEqual({
        kind: 'retire',
        reason: 'expired',
        planIds: ['gold'],
      });
    });

    test('without retire-after: given one, now + grace', () => {
      expect(decide(key({}))).toEqual({
        kind: 'schedule-retirement',
        retireAfter: at(HOUR),
      });
    });

    test('retire-after exactly now: retired (the boundary belongs to retirement)', () => {
      expect(decide(key({ retireAfter: at(0) }), live, ['gold', 'bulk'])).toEqual({
        kind: 'retire',
        reason: 'expired',
        planIds: ['bulk', 'gold'],
      });
      expect(decide(key({ retireAfter: at(1) }))).toEqual({ kind: 'keep', reason: 'in-grace' });
    });

    test('created exactly an hour ago: no longer recent, given a retire-after', () => {
      expect(decide(key({ createdDate: at(-RECENT_KEY_MS) }))).toEqual({
        kind: 'schedule-retirement',
        retireAfter: at(HOUR),
      });
      expect(decide(key({ createdDate: at(-RECENT_KEY_MS + 1) }))).toEqual({
        kind: 'keep',
        reason: 'too-recent',
      });
      expect(RECENT_KEY_MS).toBe(HOUR);
    });

    test('without a creation date: old enough to schedule', () => {
      expect(decide(key({ createdDate: undefined }))).toEqual({
        kind: 'schedule-retirement',
        retireAfter: at(HOUR),
      });
    });

    test('of a secret whose policy is unreadable: given the default grace', () => {
      expect(decide(key({}), { kind: 'live', secret })).toEqual({
        kind: 'schedule-retirement',
        retireAfter: at(DEFAULT_GRACE_PERIOD_SECONDS * 1000),
      });
    });

    test('without retire-after but created within the hour: left for the next sweep', () => {
      expect(decide(key({ createdDate: at(-10 * 60 * 1000), secretVersion: 'v-new' }))).toEqual({
        kind: 'keep',
        reason: 'too-recent',
      });
    });
  });

  describe('a disabled key', () => {
    test('past delete-after: deleted', () => {
      expect(decide(key({ enabled: false, deleteAfter: at(-1) }))).toEqual({ kind: 'delete' });
    });

    test('before delete-after: kept', () => {
      expect(decide(key({ enabled: false, deleteAfter: at(HOUR) }))).toEqual({
        kind: 'keep',
        reason: 'awaiting-deletion',
      });
    });

    test('delete-after exactly now: deleted (the boundary belongs to deletion)', () => {
      expect(decide(key({ enabled: false, deleteAfter: at(0) }))).toEqual({ kind: 'delete' });
      expect(decide(key({ enabled: false, deleteAfter: at(1) }))).toEqual({
        kind: 'keep',
        reason: 'awaiting-deletion',
      });
    });

    test('without delete-after: given one, now + the delete period', () => {
      expect(decide(key({ enabled: false }))).toEqual({
        kind: 'schedule-deletion',
        deleteAfter: at(WEEK_SECONDS * 1000),
      });
    });
  });

  describe('an orphan (secret gone or scheduled for deletion)', () => {
    test('enabled, even current: retired now', () => {
      expect(decide(key({ secretVersion: 'v-current' }), { kind: 'gone' }, ['gold'])).toEqual({
        kind: 'retire',
        reason: 'orphaned',
        planIds: ['gold'],
      });
    });

    test('retired from every plan it is in, sorted', () => {
      expect(decide(key({}), { kind: 'gone' }, ['gold', 'bulk'])).toEqual({
        kind: 'retire',
        reason: 'orphaned',
        planIds: ['bulk', 'gold'],
      });
    });

    test('disabled without delete-after: given one', () => {
      expect(decide(key({ enabled: false }), { kind: 'gone' })).toEqual({
        kind: 'schedule-deletion',
        deleteAfter: at(WEEK_SECONDS * 1000),
      });
    });

    test('disabled: deleted after the delete period like any retired key', () => {
      expect(decide(key({ enabled: false, deleteAfter: at(-1) }), { kind: 'gone' })).toEqual({
        kind: 'delete',
      });
    });
  });
});

describe('actionCost', () => {
  test('counts the mutating calls of each action', () => {
    expect(actionCost({ kind: 'keep', reason: 'current' })).toBe(0);
    expect(
      actionCost({ kind: 'reconcile', enable: true, addTo: ['a'], removeFrom: ['b', 'c'] })
    ).toBe(4);
    expect(actionCost({ kind: 'retire', reason: 'expired', planIds: ['a', 'b'] })).toBe(4);
    expect(actionCost({ kind: 'delete' })).toBe(1);
    expect(actionCost({ kind: 'schedule-deletion', deleteAfter: NOW })).toBe(1);
    expect(actionCost({ kind: 'schedule-retirement', retireAfter: NOW })).toBe(1);
    expect(actionCost({ kind: 'reconcile', enable: false, addTo: [], removeFrom: ['b'] })).toBe(1);
    expect(actionCost({ kind: 'retire', reason: 'orphaned', planIds: [] })).toBe(2);
  });
});
