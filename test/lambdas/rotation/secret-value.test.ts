import { bootstrapValue, SECRET_FORMAT, type IssuedKeyValue } from '../../../contract';
import {
  describeContent,
  parseSecretValue,
  serializeIssuedKey,
} from '../../../lambdas/rotation/secret-value';

const issued: IssuedKeyValue = {
  format: SECRET_FORMAT,
  keyId: 'k1',
  value: 'ordK' + 'a'.repeat(38),
  consumer: 'checkout',
  usagePlanIds: ['p1', 'p2'],
  createdAt: '2025-06-01T12:00:00.000Z',
};

describe('parseSecretValue', () => {
  test('recognises an issued key and the bootstrap placeholder', () => {
    expect(parseSecretValue(JSON.stringify(issued))).toEqual({ kind: 'issued', value: issued });
    expect(parseSecretValue(JSON.stringify(bootstrapValue('checkout')))).toEqual({
      kind: 'bootstrap',
      value: { format: SECRET_FORMAT, bootstrap: true, consumer: 'checkout' },
    });
  });

  test('classifies anything else without repeating it', () => {
    expect(parseSecretValue(undefined)).toEqual({ kind: 'empty' });
    expect(parseSecretValue('not json')).toEqual({ kind: 'unrecognized' });
    expect(parseSecretValue('{"format":"keyplane/v2","keyId":"k"}')).toEqual({
      kind: 'unrecognized',
    });
    expect(
      parseSecretValue(JSON.stringify({ ...issued, value: 'has-dashes-and-is-long-enough' }))
    ).toEqual({
      kind: 'unrecognized',
    });
  });
});

describe('serializeIssuedKey', () => {
  test('writes the fields in a fixed order, whatever order they came in', () => {
    const shuffled = {
      createdAt: issued.createdAt,
      usagePlanIds: issued.usagePlanIds,
      value: issued.value,
      keyId: issued.keyId,
      consumer: issued.consumer,
      format: issued.format,
    };
    expect(serializeIssuedKey(shuffled)).toBe(JSON.stringify(issued));
  });

  test('writes the ownership proof last when there is one, and no proof field otherwise', () => {
    expect(serializeIssuedKey({ proof: 'bWFj', ...issued })).toBe(
      JSON.stringify({ ...issued, proof: 'bWFj' })
    );
    expect(JSON.parse(serializeIssuedKey(issued))).not.toHaveProperty('proof');
  });
});

describe('a value with further regions', () => {
  const regional: IssuedKeyValue = {
    ...issued,
    proof: 'cHJvb2Y=',
    regions: [{ region: 'us-east-2', keyId: 'r1', usagePlanIds: ['pu1'], proof: 'cmVnaW9u' }],
  };

  test('round-trips each region, written last, in a fixed field order', () => {
    const text = serializeIssuedKey({
      ...regional,
      regions: [{ proof: 'cmVnaW9u', usagePlanIds: ['pu1'], keyId: 'r1', region: 'us-east-2' }],
    });
    expect(text).toMatch(
      /"proof":"cHJvb2Y=","regions":\[\{"region":"us-east-2","keyId":"r1","usagePlanIds":\["pu1"\],"proof":"cmVnaW9u"\}\]\}$/
    );
    expect(parseSecretValue(text)).toEqual({ kind: 'issued', value: regional });
  });

  test('is unrecognized when a region lacks its proof', () => {
    const [{ proof: _proof, ...unproven }] = regional.regions!;
    expect(parseSecretValue(JSON.stringify({ ...regional, regions: [unproven] }))).toEqual({
      kind: 'unrecognized',
    });
  });
});

describe('describeContent', () => {
  test('names the kind and key id, never the value', () => {
    const text = describeContent({ kind: 'issued', value: issued });
    expect(text).toBe('issued key k1');
    expect(describeContent({ kind: 'empty' })).toBe('no value');
    expect(describeContent({ kind: 'unrecognized' })).toMatch(/not keyplane JSON/);
    expect(describeContent({ kind: 'bootstrap', value: bootstrapValue('c') })).toMatch(
      /placeholder/
    );
  });
});
