import { createHash } from 'crypto';
import { generateKeyValue, verifyKeyValue } from '../../../lambdas/rotation/key-value';
import { maskKeyLike, REDACTED, redact } from '../../../lambdas/rotation/redaction';

/** Byte `i` of a stream derived from `seed` (SHA-256 of seed and block), for repeatable draws. */
function hashByte(seed: number, i: number): number {
  return createHash('sha256')
    .update(`${seed}/${Math.floor(i / 32)}`)
    .digest()[i % 32];
}

describe('maskKeyLike', () => {
  const key = generateKeyValue('ordK');

  test('masks a keyplane key wherever it appears', () => {
    expect(maskKeyLike(`sent ${key} to the API`)).toBe(`sent ${REDACTED} to the API`);
    expect(maskKeyLike(`x-api-key:${key}`)).toBe(`x-api-key:${REDACTED}`);
  });

  test('masks a key of digits alone that still passes the checksum', () => {
    // Letters alone cannot happen (the checksum's first digit is 0-4: CRC-32 < 5 x 62^5), but
    // digits alone can: bodies of digits drawn from a hash of a counter, until the checksum
    // has no letter either (about 1 in 9,000).
    let digitsOnly = '';
    for (let seed = 0; digitsOnly === ''; seed++) {
      const digits = (size: number) =>
        Uint8Array.from({ length: size }, (_, i) => hashByte(seed, i) % 10);
      const candidate = generateKeyValue('', digits);
      if (/^[0-9]+$/.test(candidate)) digitsOnly = candidate;
    }
    expect(verifyKeyValue(digitsOnly)).toBe(true);
    expect(maskKeyLike(`key ${digitsOnly}.`)).toBe(`key ${REDACTED}.`);
  });

  test("masks foreign keys that mix letters and digits (API Gateway's own, others)", () => {
    expect(maskKeyLike('key=a1B2c3D4e5F6g7H8i9J0kLmN')).toBe(`key=${REDACTED}`);
  });

  test('leaves ids, ARNs, UUIDs, dates and long words readable', () => {
    const text =
      'ResourceNotFoundException arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/x-AbC1 ' +
      'k000000001 0a1b2c3d-1111-4222-8333-444455556666 2025-06-01T12:00:00.000Z';
    expect(maskKeyLike(text)).toBe(text);
  });
});

describe('redact', () => {
  test('masks fields named like secrets at any depth, and key-like strings anywhere', () => {
    const key = generateKeyValue('');
    const out = redact({
      value: 'anything',
      nested: { SecretString: '{"x":1}', list: [{ apiKey: 'x' }, `has ${key}`] },
      'x-api-key': 'y',
      keyId: 'k000000001',
      count: 3,
      ok: true,
    });
    expect(out).toEqual({
      value: REDACTED,
      nested: { SecretString: REDACTED, list: [{ apiKey: REDACTED }, `has ${REDACTED}`] },
      'x-api-key': REDACTED,
      keyId: 'k000000001',
      count: 3,
      ok: true,
    });
  });

  test('flattens errors with their causes, masking their messages', () => {
    const key = generateKeyValue('');
    const cause = Object.assign(new Error(`bad key ${key}`), {
      name: 'BadRequestException',
      $metadata: { httpStatusCode: 400 },
    });
    const out = redact({ error: new Error('wrapped', { cause }) }) as {
      error: { name: string; message: string; cause: Record<string, unknown> };
    };
    expect(out.error.name).toBe('Error');
    expect(out.error.message).toBe('wrapped');
    expect(out.error.cause).toMatchObject({
      name: 'BadRequestException',
      message: `bad key ${REDACTED}`,
      httpStatusCode: 400,
    });
    expect(JSON.stringify(out)).not.toContain(key);
  });

  test('survives cycles, deep nesting, dates and odd values', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const out = redact({ cyclic, deep, at: new Date(0), big: BigInt(7), nothing: undefined });
    expect(JSON.stringify(out)).toContain('[Circular]');
    expect(JSON.stringify(out)).toContain('[Truncated]');
    expect(out).toMatchObject({ at: '1970-01-01T00:00:00.000Z', big: '7' });
  });
});
