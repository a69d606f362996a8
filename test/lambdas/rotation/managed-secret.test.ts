import { assertManaged, whyNotManaged } from '../../../lambdas/rotation/managed-secret';
import { PolicyAudit } from '../../../lambdas/rotation/policy-audit';
import type { SecretState } from '../../../lambdas/rotation/secret-store';
import { ENV } from './support/fixtures';
import { captureStdout, logLines } from './support/stdout';

const secret = (overrides: Partial<SecretState>): SecretState => ({
  arn: 'arn:s',
  name: 'keyplane/orders-api/checkout',
  rotationEnabled: true,
  deleted: false,
  tags: {},
  versions: new Map(),
  ...overrides,
});

const runtime = () => ({ env: ENV, policyAudit: new PolicyAudit() });

describe('managed secrets', () => {
  test("a secret under the prefix that the deployer's policy declares is managed, whatever its tags", () => {
    expect(whyNotManaged(secret({}), ENV)).toBeUndefined();
    expect(whyNotManaged(secret({ tags: { 'keyplane:service': 'x' } }), ENV)).toBeUndefined();
    expect(() => assertManaged(secret({}), runtime(), 'arn:s', 'setSecret')).not.toThrow();
  });

  test('names why a secret is not managed', () => {
    expect(whyNotManaged(secret({ name: 'other/checkout' }), ENV)).toBe(
      'its name does not start with keyplane/orders-api/'
    );
    expect(whyNotManaged(secret({ name: 'keyplane/orders-api/rogue' }), ENV)).toBe(
      "the deployer's policy document declares no secret of that name (not created by this stack)"
    );
  });

  test('refuses a rogue secret under the prefix, with all of keyplane tags, and reports it', () => {
    const stdout = captureStdout();
    const rt = runtime();
    try {
      const rogue = secret({
        name: 'keyplane/orders-api/rogue',
        tags: { 'keyplane:service': 'orders-api', 'keyplane:consumer': 'rogue' },
      });
      expect(() => assertManaged(rogue, rt, 'arn:s', 'createSecret')).toThrow(
        /^arn:s createSecret: the secret is not managed by this function: the deployer's policy document declares no secret of that name/
      );
    } finally {
      stdout.restore();
    }
    expect(rt.policyAudit.endInvocation()).toEqual({ policyTagMismatches: 0, unmanagedSecrets: 1 });
    expect(logLines(stdout)).toEqual([
      expect.objectContaining({ level: 'warn', secretArn: 'arn:s', module: 'policy' }),
    ]);
  });

  test('refuses a secret scheduled for deletion', () => {
    expect(() => assertManaged(secret({ deleted: true }), runtime(), 'arn:s', 'revoke')).toThrow(
      /^arn:s revoke: the secret is not managed by this function: it is scheduled for deletion$/
    );
  });
});
