import { KeyTag } from '../../../contract';
import { toManagedKey } from '../../../lambdas/rotation/managed-key';
import { creationProofMessage } from '../../../lambdas/rotation/ownership';
import { creationProofFor, FakeAws, proofFor } from './support/fake-aws';
import { SERVICE, testRuntime } from './support/fixtures';

const fake = new FakeAws();
beforeEach(() => fake.reset());

const origin = {
  service: SERVICE,
  secretArn:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/orders-api/checkout-AbC1',
  versionId: '0a1b2c3d-1111-4222-8333-444455556666',
};
const VALUE = 'ordK'.padEnd(42, 'a');

/** A key as GetApiKeys lists it, with these tags and (when read) this value. */
function listed(id: string, proof: string | undefined, value?: string) {
  return toManagedKey({
    id,
    enabled: true,
    tags: {
      [KeyTag.SERVICE]: origin.service,
      [KeyTag.SECRET_ARN]: origin.secretArn,
      [KeyTag.SECRET_VERSION]: origin.versionId,
      ...(proof === undefined ? {} : { [KeyTag.PROOF]: proof }),
    },
    ...(value === undefined ? {} : { value }),
  });
}

describe('KeyOwnership', () => {
  test('a creation proof binds the value: it holds on its key, and on no key with another value', async () => {
    const { ownership } = testRuntime();
    const proof = creationProofFor(origin, VALUE);

    expect(await ownership.ownsKey(listed('k1', proof, VALUE), 'test')).toBe(true);
    expect(await ownership.ownsKey(listed('k2', proof, VALUE.replace(/a$/, 'b')), 'test')).toBe(
      false
    );
    expect(ownership.endInvocation()).toEqual([
      { keyId: 'k2', action: 'test', reason: 'its ownership proof is not valid' },
    ]);
  });

  test('a creation proof is not checked without the value: the key is refused, not trusted', async () => {
    const { ownership } = testRuntime();

    expect(await ownership.ownsKey(listed('k1', creationProofFor(origin, VALUE)), 'test')).toBe(
      false
    );
    expect(ownership.endInvocation()).toEqual([
      { keyId: 'k1', action: 'test', reason: 'its value was not read, so its proof is unchecked' },
    ]);
    expect(fake.callCounts()).toEqual({});
  });

  test('a record proof on the tag (keys made before creation proofs) still holds, for its key id only', async () => {
    const { ownership } = testRuntime();
    const proof = proofFor({ ...origin, keyId: 'k1' });

    expect(await ownership.ownsKey(listed('k1', proof), 'test')).toBe(true);
    expect(await ownership.ownsKey(listed('k2', proof), 'test')).toBe(false);
  });

  test('proves what it made without asking KMS again, in later invocations too', async () => {
    const { ownership } = testRuntime();
    const proof = await ownership.proveCreation(origin, VALUE);
    const record = await ownership.prove({ ...origin, keyId: 'k1' });
    ownership.endInvocation();
    fake.clearCalls();

    expect(await ownership.ownsKey(listed('k1', proof, VALUE), 'test')).toBe(true);
    expect(await ownership.holds({ ...origin, keyId: 'k1' }, record, 'test')).toBe(true);
    expect(fake.callCounts()).toEqual({});
  });

  test('the creation proof covers a digest of the value, never the value itself', () => {
    const message = Buffer.from(creationProofMessage(origin, VALUE)).toString();

    expect(message).not.toContain(VALUE);
    expect(message.split('\n')).toEqual([
      'keyplane-key-ownership/v2',
      origin.service,
      origin.secretArn,
      origin.versionId,
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
  });
});
