import { SWEEP_EVENT, TEARDOWN_EVENT, TEARDOWN_TERRAFORM_KEY } from '../../../contract';
import { InvalidEventError } from '../../../lambdas/rotation/errors';
import { describeShape, parseEvent } from '../../../lambdas/rotation/events';
import { generateKeyValue } from '../../../lambdas/rotation/key-value';

const token = '0a1b2c3d-1111-4222-8333-444455556666';

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
    expect(parseEvent(SWEEP_EVENT)).toEqual({ kind: 'sweep' });
    expect(parseEvent({ action: 'sweep', cursor: 'abc' })).toEqual({
      kind: 'sweep',
      cursor: 'abc',
    });
  });

  test('accepts a revoke', () => {
    expect(parseEvent({ action: 'revoke', secretId: 'keyplane/x' })).toEqual({
      kind: 'revoke',
      secretId: 'keyplane/x',
    });
  });

  test("accepts Terraform's teardown, with or without its lifecycle action", () => {
    expect(parseEvent(TEARDOWN_EVENT)).toEqual({ kind: 'teardown' });
    expect(
      parseEvent({
        ...TEARDOWN_EVENT,
        [TEARDOWN_TERRAFORM_KEY]: { action: 'delete', prev_input: TEARDOWN_EVENT },
      })
    ).toEqual({ kind: 'teardown', terraformAction: 'delete' });
    expect(() => parseEvent({ action: 'teardown', tf: { action: 'destroy' } })).toThrow(
      /invalid teardown event: tf.action: Invalid option/
    );
  });

  test.each([
    ['a string', 'hello', /received a string/],
    ['null', null, /received null/],
    ['an array', [1], /received an array/],
    ['an empty object', {}, /received an empty object/],
    [
      'unrelated fields',
      { foo: 1, bar: 'x' },
      /received an object with fields foo \(number\), bar \(string\)/,
    ],
    [
      'an unknown action',
      { action: 'rotate' },
      /and action is not 'sweep', 'revoke' or 'teardown'/,
    ],
  ])('rejects %s, naming what it got', (_, event, message) => {
    expect(() => parseEvent(event)).toThrow(InvalidEventError);
    expect(() => parseEvent(event)).toThrow(message);
  });

  test.each([
    [
      'a missing Step',
      { SecretId: 's', ClientRequestToken: token },
      /invalid rotation event: Step: /,
    ],
    [
      'an unknown Step',
      { SecretId: 's', ClientRequestToken: token, Step: 'rotate' },
      /Step: Invalid option/,
    ],
    [
      'a short token',
      { SecretId: 's', ClientRequestToken: 'abc', Step: 'setSecret' },
      /ClientRequestToken: Too small/,
    ],
    [
      'a token with spaces',
      { SecretId: 's', ClientRequestToken: `${token} x`, Step: 'setSecret' },
      /ClientRequestToken: must be letters, digits/,
    ],
    [
      'an oversized SecretId',
      { SecretId: 'x'.repeat(3000), ClientRequestToken: token, Step: 'setSecret' },
      /SecretId: Too big/,
    ],
    [
      'a numeric SecretId',
      { SecretId: 7, ClientRequestToken: token, Step: 'setSecret' },
      /SecretId: Invalid input: expected string, received number/,
    ],
    ['a revoke without secretId', { action: 'revoke' }, /invalid revoke event: secretId: /],
    [
      'a revoke with an unknown field',
      { action: 'revoke', secretId: 's', force: true },
      /Unrecognized key: "force"/,
    ],
    [
      'an oversized cursor',
      { action: 'sweep', cursor: 'c'.repeat(600) },
      /invalid sweep event: cursor: Too big/,
    ],
  ])('rejects %s, naming the field', (_, event, message) => {
    expect(() => parseEvent(event)).toThrow(message);
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
    expect(describeShape({ a: null, b: [], c: {} })).toBe(
      'an object with fields a (null), b (array), c (object)'
    );
  });
});
