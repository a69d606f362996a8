import { SWEEP_EVENT, TEARDOWN_EVENT, TEARDOWN_TERRAFORM_KEY } from '../../../contract';
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
  });

  // Rejections: one table, in malformed-events.test.ts.

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
