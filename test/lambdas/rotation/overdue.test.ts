import { isOverdue, nextRotationDue } from '../../../lambdas/rotation/overdue';
import type { SecretState } from '../../../lambdas/rotation/secret-store';

const DAY = 86_400_000;
const MARGIN = 2 * 86_400;
const KEY_CREATED = new Date('2025-06-01T12:00:00.000Z');
const after = (ms: number): Date => new Date(KEY_CREATED.getTime() + ms);

function secret(overrides: Partial<SecretState> = {}): SecretState {
  return {
    arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/x/checkout-AbC1',
    name: 'keyplane/x/checkout',
    rotationEnabled: true,
    deleted: false,
    tags: {},
    versions: new Map(),
    createdDate: new Date('2025-01-01T00:00:00.000Z'),
    rotationRules: { scheduleExpression: 'rate(30 days)' },
    ...overrides,
  };
}

describe('nextRotationDue', () => {
  test.each([
    [{ scheduleExpression: 'rate(30 days)' }, after(30 * DAY)],
    [{ scheduleExpression: 'rate(1 day)' }, after(DAY)],
    [{ scheduleExpression: 'rate(12 hours)' }, after(DAY / 2)],
    [{ automaticallyAfterDays: 7 }, after(7 * DAY)],
    // The Monday 08:00 after Sunday 2025-06-01 12:00.
    [{ scheduleExpression: 'cron(0 8 ? * MON *)' }, new Date('2025-06-02T08:00:00.000Z')],
  ])('%p is due at %p', (rules, due) => {
    expect(nextRotationDue(rules, KEY_CREATED)).toEqual(due);
  });

  test.each([[{}], [{ scheduleExpression: 'every tuesday' }], [{ scheduleExpression: 'cron(x)' }]])(
    'is unknown for %p',
    (rules) => {
      expect(nextRotationDue(rules, KEY_CREATED)).toBeUndefined();
    }
  );
});

describe('isOverdue', () => {
  test('a key is overdue only once its schedule and the margin have both passed', () => {
    const due = 30 * DAY + MARGIN * 1000;
    expect(isOverdue(secret(), KEY_CREATED, after(due), MARGIN)).toBe(false);
    expect(isOverdue(secret(), KEY_CREATED, after(due + 1000), MARGIN)).toBe(true);
  });

  test('a consumer without a key counts from the creation of its secret', () => {
    const created = new Date('2025-01-01T00:00:00.000Z');
    const late = new Date(created.getTime() + 33 * DAY);
    expect(isOverdue(secret(), undefined, late, MARGIN)).toBe(true);
    expect(isOverdue(secret({ createdDate: undefined }), undefined, late, MARGIN)).toBe(false);
  });

  test.each([
    ['rotation is off', { rotationEnabled: false }],
    ['the secret is scheduled for deletion', { deleted: true }],
    ['the secret has no rotation rules', { rotationRules: undefined }],
  ])('never when %s', (_why, overrides: Partial<SecretState>) => {
    expect(isOverdue(secret(overrides), KEY_CREATED, after(365 * DAY), MARGIN)).toBe(false);
  });
});
