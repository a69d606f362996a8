import { KeyTag } from '../../../contract';
import {
  apiKeyArn,
  instantTag,
  isMadeFor,
  keyName,
  originTags,
  toManagedKey,
} from '../../../lambdas/rotation/managed-key';

describe('managed keys', () => {
  test('keyName is "<consumer>-<first 8 letters and digits of the version id>"', () => {
    expect(keyName('checkout', '0a1b2c3d-1111-4222-8333-444455556666')).toBe('checkout-0a1b2c3d');
    expect(keyName('checkout', '0a-1b-2c-3d-4e')).toBe('checkout-0a1b2c3d');
  });

  test('origin tags round-trip through toManagedKey', () => {
    const origin = { service: 'svc', secretArn: 'arn:s', versionId: 'v1' };
    const key = toManagedKey({
      id: 'k1',
      enabled: true,
      tags: {
        ...originTags(origin),
        [KeyTag.RETIRE_AFTER]: '2025-06-01T13:00:00.000Z',
        [KeyTag.DELETE_AFTER]: 'not a date',
      },
    });
    expect(isMadeFor(key, origin)).toBe(true);
    expect(isMadeFor(key, { ...origin, versionId: 'v2' })).toBe(false);
    expect(key.retireAfter).toEqual(new Date('2025-06-01T13:00:00.000Z'));
    expect(key.deleteAfter).toBeUndefined();
    expect('value' in key).toBe(false);
  });

  test('a key without tags or state reads as disabled and untraced', () => {
    expect(toManagedKey({ id: 'k' })).toMatchObject({
      id: 'k',
      enabled: false,
      secretArn: undefined,
    });
  });

  test('apiKeyArn uses the partition of the region', () => {
    expect(apiKeyArn('eu-west-1', 'k1')).toBe('arn:aws:apigateway:eu-west-1::/apikeys/k1');
    expect(apiKeyArn('cn-north-1', 'k1')).toBe('arn:aws-cn:apigateway:cn-north-1::/apikeys/k1');
    expect(apiKeyArn('us-gov-west-1', 'k1')).toMatch(/^arn:aws-us-gov:/);
  });

  test('instants are written as ISO-8601', () => {
    expect(instantTag(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
