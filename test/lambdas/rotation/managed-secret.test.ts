import { assertManaged, whyNotManaged } from '../../../lambdas/rotation/managed-secret';
import type { SecretState } from '../../../lambdas/rotation/secret-store';
import { ENV } from './support/fixtures';

const secret = (overrides: Partial<SecretState>): SecretState => ({
  arn: 'arn:s',
  name: 'keyplane/orders-api/checkout',
  rotationEnabled: true,
  deleted: false,
  tags: { 'keyplane:service': 'orders-api' },
  versions: new Map(),
  ...overrides,
});

describe('managed secrets', () => {
  test('a secret with the prefix and the service tag is managed', () => {
    expect(whyNotManaged(secret({}), ENV)).toBeUndefined();
    expect(() => assertManaged(secret({}), ENV, 'arn:s', 'setSecret')).not.toThrow();
  });

  test('names why a secret is not managed', () => {
    expect(whyNotManaged(secret({ name: 'other/checkout' }), ENV)).toBe(
      'its name does not start with keyplane/orders-api/'
    );
    expect(whyNotManaged(secret({ tags: {} }), ENV)).toBe('its keyplane:service tag is missing');
    expect(whyNotManaged(secret({ tags: { 'keyplane:service': 'x' } }), ENV)).toBe(
      'its keyplane:service tag is not orders-api'
    );
  });

  test('refuses a secret scheduled for deletion', () => {
    expect(() => assertManaged(secret({ deleted: true }), ENV, 'arn:s', 'revoke')).toThrow(
      /^arn:s revoke: the secret is not managed by this function: it is scheduled for deletion$/
    );
  });
});
