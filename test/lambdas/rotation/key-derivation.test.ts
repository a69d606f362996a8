import { randomBytes } from 'crypto';
import { KEY_BODY_LENGTH } from '../../../contract/key-format';
import { BASE62_ALPHABET } from '../../../lambdas/rotation/checksum';
import { derivedBytes, keyValueMessage } from '../../../lambdas/rotation/key-derivation';
import { generateKeyValue, verifyKeyValue } from '../../../lambdas/rotation/key-value';
import { creationProofMessage, proofMessage } from '../../../lambdas/rotation/ownership';

const origin = {
  service: 'orders-api',
  secretArn:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/orders-api/checkout-AbC1',
  versionId: '0a1b2c3d-1111-4222-8333-444455556666',
};

describe('derivedBytes', () => {
  test('is a pure function of the seed, however the stream is cut', () => {
    const seed = randomBytes(32);
    const whole = Buffer.from(derivedBytes(seed)(100));
    const stream = derivedBytes(seed);
    const pieces = Buffer.concat([stream(7), stream(64), stream(29)].map((b) => Buffer.from(b)));

    expect(pieces).toEqual(whole);
    expect(Buffer.from(derivedBytes(randomBytes(32))(100))).not.toEqual(whole);
  });

  test('gives keys in the keyplane format whose bodies are uniform over base62', () => {
    const keys = Array.from({ length: 5_000 }, () =>
      generateKeyValue('ordK', derivedBytes(randomBytes(32)))
    );
    const counts = new Array<number>(62).fill(0);
    for (const key of keys) {
      expect(verifyKeyValue(key, 'ordK')).toBe(true);
      for (const char of key.slice(4, 4 + KEY_BODY_LENGTH)) counts[BASE62_ALPHABET.indexOf(char)]++;
    }
    const expected = (keys.length * KEY_BODY_LENGTH) / 62;
    const chiSquare = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 61 degrees of freedom, p = 1e-6 (as in key-value.test.ts)
    expect(chiSquare).toBeLessThan(128.9);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('keyValueMessage', () => {
  test('binds service, secret, version and the current version, and never equals a proof message', () => {
    const message = Buffer.from(keyValueMessage(origin, 'vcurrent')).toString();

    expect(message.split('\n')).toEqual([
      'keyplane-key-value/v1',
      origin.service,
      origin.secretArn,
      origin.versionId,
      'vcurrent',
    ]);
    expect(message).not.toBe(Buffer.from(proofMessage({ ...origin, keyId: 'k1' })).toString());
    expect(message).not.toBe(Buffer.from(creationProofMessage(origin, 'v'.repeat(40))).toString());
  });
});
