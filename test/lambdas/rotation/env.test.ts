import { DEFAULT_DELETE_AFTER_SECONDS, DEFAULT_OVERDUE_MARGIN_SECONDS } from '../../../contract';
import { readEnv } from '../../../lambdas/rotation/env';
import { ConfigurationError } from '../../../lambdas/rotation/errors';
import { CHECKOUT_POLICY } from './support/fixtures';
import { writePolicyFile } from './support/policy-file';

const POLICY_FILE = writePolicyFile('orders-api', [
  ['keyplane/orders-api/checkout', CHECKOUT_POLICY],
]);

const valid = {
  KEYPLANE_POLICY_FILE: POLICY_FILE,
  KEYPLANE_SERVICE: 'orders-api',
  KEYPLANE_SECRET_PREFIX: 'keyplane/orders-api/',
  KEYPLANE_DELETE_AFTER_SECONDS: '86400',
  KEYPLANE_OVERDUE_MARGIN_SECONDS: '3600',
  AWS_REGION: 'eu-west-1',
  KEYPLANE_OWNERSHIP_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab',
};

describe('readEnv', () => {
  test('reads the contract variables and the region', () => {
    expect(readEnv(valid)).toEqual({
      service: 'orders-api',
      secretPrefix: 'keyplane/orders-api/',
      deleteAfterSeconds: 86400,
      overdueMarginSeconds: 3600,
      region: 'eu-west-1',
      ownershipKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      consumers: new Map([['keyplane/orders-api/checkout', CHECKOUT_POLICY]]),
      reservedConcurrency: 1,
    });
  });

  test('reads the reserved concurrency the containers divide their pacing by; unset is 1', () => {
    expect(readEnv({ ...valid, KEYPLANE_RESERVED_CONCURRENCY: '10' }).reservedConcurrency).toBe(10);
    expect(readEnv(valid).reservedConcurrency).toBe(1);
    for (const wrong of ['0', '1.5', 'ten', '1000001']) {
      expect(() => readEnv({ ...valid, KEYPLANE_RESERVED_CONCURRENCY: wrong })).toThrow(
        /environment variable KEYPLANE_RESERVED_CONCURRENCY must be a whole number of containers from 1 to 100000$/
      );
    }
  });

  test("reads the deployer's key budget; unset, none (derived from the policy document)", () => {
    expect(readEnv({ ...valid, KEYPLANE_KEY_BUDGET: '40' }).keyBudget).toBe(40);
    expect(readEnv(valid)).not.toHaveProperty('keyBudget');
    for (const wrong of ['0', '2.5', '1000001']) {
      expect(() => readEnv({ ...valid, KEYPLANE_KEY_BUDGET: wrong })).toThrow(
        /environment variable KEYPLANE_KEY_BUDGET must be a whole number of keys from 1 to 1000000$/
      );
    }
  });

  test('fails when the ownership key is missing or not a KMS key id', () => {
    expect(() => readEnv({ ...valid, KEYPLANE_OWNERSHIP_KEY_ID: undefined })).toThrow(
      /KEYPLANE_OWNERSHIP_KEY_ID must be set/
    );
    expect(() => readEnv({ ...valid, KEYPLANE_OWNERSHIP_KEY_ID: 'alias/x y' })).toThrow(
      /KEYPLANE_OWNERSHIP_KEY_ID must be a KMS key id or key ARN/
    );
  });

  test('defaults the overdue margin to 2 days', () => {
    expect(
      readEnv({ ...valid, KEYPLANE_OVERDUE_MARGIN_SECONDS: undefined }).overdueMarginSeconds
    ).toBe(DEFAULT_OVERDUE_MARGIN_SECONDS);
    expect(DEFAULT_OVERDUE_MARGIN_SECONDS).toBe(172800);
  });

  test('defaults the delete period to 7 days', () => {
    expect(readEnv({ ...valid, KEYPLANE_DELETE_AFTER_SECONDS: undefined }).deleteAfterSeconds).toBe(
      DEFAULT_DELETE_AFTER_SECONDS
    );
    expect(DEFAULT_DELETE_AFTER_SECONDS).toBe(604800);
  });

  test('falls back to AWS_DEFAULT_REGION', () => {
    expect(
      readEnv({ ...valid, AWS_REGION: undefined, AWS_DEFAULT_REGION: 'us-gov-west-1' }).region
    ).toBe('us-gov-west-1');
  });

  test.each([
    ['KEYPLANE_SERVICE', undefined, /environment variable KEYPLANE_SERVICE must be set/],
    ['KEYPLANE_SERVICE', 'has spaces', /KEYPLANE_SERVICE must be 1-128 letters, digits/],
    ['KEYPLANE_SECRET_PREFIX', '  ', /KEYPLANE_SECRET_PREFIX must be set/],
    ['KEYPLANE_SECRET_PREFIX', 'bad*prefix', /KEYPLANE_SECRET_PREFIX must be 1-256/],
    ['KEYPLANE_DELETE_AFTER_SECONDS', '7d', /KEYPLANE_DELETE_AFTER_SECONDS must be a whole number/],
    ['KEYPLANE_DELETE_AFTER_SECONDS', '-1', /must be a whole number of seconds from 0 to/],
    ['KEYPLANE_DELETE_AFTER_SECONDS', '999999999', /from 0 to 315360000/],
    ['KEYPLANE_OVERDUE_MARGIN_SECONDS', '2d', /KEYPLANE_OVERDUE_MARGIN_SECONDS must be a whole/],
    ['AWS_REGION', undefined, /AWS_REGION must be set/],
    ['AWS_REGION', 'mars', /AWS_REGION must be an AWS region name/],
  ])('fails when %s is %p', (name, value, message) => {
    const env = { ...valid, [name]: value };
    expect(() => readEnv(env)).toThrow(ConfigurationError);
    expect(() => readEnv(env)).toThrow(message);
  });
});
