import {
  SWEEP_EVENT,
  TEARDOWN_EVENT,
  teardownEvent,
  TEARDOWN_TERRAFORM_KEY,
} from '../../../contract';
import { describeShape, parseEvent } from '../../../lambdas/rotation/events';
import { generateKeyValue } from '../../../lambdas/rotation/key-value';

const token = '0a1b2c3d-1111-4222-8333-444455556666';

/** The message parseEvent rejects an event with ('accepted' when it does not). */
function parseEventMessage(event: unknown): string {
  try {
    parseEvent(event);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('parseEvent', () => {
  test('accepts a Secrets Manager rotation step, extra fields included', () => {
    expect(
      parseEvent({
        SecretId: 'arn:s',
        ClientRequestToken: token,
        Step: 'setSecret',
        RotationToken: 'x',
      })
    ).toEqual({ kind: 'rotation', secretId: 'arn:s', token, step: 'setSecret' });
  });

  test("accepts the schedule's sweep event and a resumed sweep", () => {
    expect(parseEvent(SWEEP_EVENT)).toStrictEqual({ kind: 'sweep' });
    expect(parseEvent({ action: 'sweep', cursor: 'abc' })).toEqual({
      kind: 'sweep',
      cursor: 'abc',
    });
  });

  test('a dry-run sweep says so; dryRun false is a plain sweep', () => {
    expect(parseEvent({ action: 'sweep', dryRun: true })).toStrictEqual({
      kind: 'sweep',
      dryRun: true,
    });
    expect(parseEvent({ action: 'sweep', dryRun: false })).toStrictEqual({ kind: 'sweep' });
  });

  test('accepts a revoke', () => {
    expect(parseEvent({ action: 'revoke', secretId: 'keyplane/x' })).toEqual({
      kind: 'revoke',
      secretId: 'keyplane/x',
    });
  });

  test('accepts a revoke of one named key; the key id is 1-128 letters and digits', () => {
    expect(parseEvent({ action: 'revoke', secretId: 'keyplane/x', keyId: 'k1' })).toStrictEqual({
      kind: 'revoke',
      secretId: 'keyplane/x',
      keyId: 'k1',
    });
    expect(parseEvent({ action: 'revoke', secretId: 'x' })).toStrictEqual({
      kind: 'revoke',
      secretId: 'x',
    });
    expect(parseEvent({ action: 'revoke', secretId: 'x', keyId: 'k'.repeat(128) })).toMatchObject({
      keyId: 'k'.repeat(128),
    });
    for (const keyId of ['', 'k'.repeat(129), 'k-1', '-k1', 'k1-']) {
      expect(parseEventMessage({ action: 'revoke', secretId: 'x', keyId })).toContain('keyId');
    }
  });

  test("accepts Terraform's teardown, with or without its lifecycle action", () => {
    expect(parseEvent(TEARDOWN_EVENT)).toEqual({ kind: 'teardown' });
    expect(
      parseEvent({
        ...TEARDOWN_EVENT,
        [TEARDOWN_TERRAFORM_KEY]: { action: 'delete', prev_input: TEARDOWN_EVENT },
      })
    ).toEqual({ kind: 'teardown', terraformAction: 'delete' });
    expect(
      parseEvent({ ...teardownEvent(['b', 'a']), [TEARDOWN_TERRAFORM_KEY]: { action: 'create' } })
    ).toEqual({ kind: 'teardown', terraformAction: 'create', secretNames: ['a', 'b'] });
  });

  // Rejections: one table, in malformed-events.test.ts.

  test.each([{ SecretId: 'arn:s' }, { ClientRequestToken: token }, { Step: 'createSecret' }])(
    'any one rotation field makes a rotation event, checked as one: %p',
    (event) => {
      expect(() => parseEvent(event)).toThrow(/: invalid rotation event: /);
    }
  );

  test('a value in a message: numbers and booleans as they are, other types by kind', () => {
    const rejected = (secretId: unknown) =>
      parseEventMessage({ SecretId: secretId, ClientRequestToken: token, Step: 'setSecret' });
    expect(rejected(1)).toMatch(/SecretId must be a string, got 1$/);
    expect(rejected(true)).toMatch(/SecretId must be a string, got true$/);
    expect(rejected({ a: 1 })).toMatch(/SecretId must be a string, got a object$/);
  });

  test('a string of exactly the excerpt length is shown whole, one longer with its length', () => {
    const text = (length: number) => 'ab '.repeat(20).slice(0, length);
    expect(parseEventMessage({ action: 'teardown', tf: { action: text(48) } })).toMatch(
      new RegExp(`got "${text(48)}"$`)
    );
    expect(parseEventMessage({ action: 'teardown', tf: { action: text(49) } })).toContain(
      `got "${text(48)}..." (49 characters)`
    );
  });

  test('field names in messages: unprintable characters shown as ?, cut after 40 characters', () => {
    const name40 = 'n'.repeat(39) + '-';
    expect(parseEventMessage({ action: 'revoke', secretId: 'x', 'a\u0000b': 1 })).toContain(
      'a?b is not a field of a revoke event'
    );
    expect(parseEventMessage({ action: 'revoke', secretId: 'x', [name40]: 1 })).toContain(
      `${name40} is not a field`
    );
    expect(parseEventMessage({ action: 'revoke', secretId: 'x', [`${name40}zz`]: 1 })).toContain(
      `${name40}... is not a field`
    );
  });

  test('never repeats a value from the event, even one that looks like a key', () => {
    const key = generateKeyValue('ordK');
    const attempts: unknown[] = [
      { SecretId: key, ClientRequestToken: key.slice(0, 20), Step: key },
      { action: 'revoke', secretId: 5, extra: key },
      { action: key },
      { [key]: key },
    ];
    for (const event of attempts) {
      let message = '';
      try {
        parseEvent(event);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(key);
      expect(message).not.toContain(key.slice(0, 20));
    }
  });
});

describe('describeShape', () => {
  test('lists at most 12 fields with their types', () => {
    const event = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`f${i}`, i]));
    expect(describeShape(event)).toMatch(/f11 \(number\), and 3 more$/);
    const twelve = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i]));
    expect(describeShape(twelve)).toMatch(/f11 \(number\)$/);
    expect(describeShape({ a: null, b: [], c: {} })).toBe(
      'an object with fields a (null), b (array), c (object)'
    );
  });
});
