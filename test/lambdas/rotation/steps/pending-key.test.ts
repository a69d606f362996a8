import { SECRET_FORMAT } from '../../../../contract';
import { findPendingKey } from '../../../../lambdas/rotation/steps/pending-key';
import { FakeAws, type FakeSecret } from '../support/fake-aws';
import { originTagsFor, seedConsumer, stepContext, testRuntime, TOKEN } from '../support/fixtures';

const fake = new FakeAws();
let secret: FakeSecret;

beforeEach(() => {
  fake.reset();
  secret = seedConsumer(fake);
  fake.startRotation(secret, TOKEN);
});

function writePending(keyId: string): void {
  const version = secret.versions.get(TOKEN);
  if (version === undefined) throw new Error('no pending version');
  version.value = JSON.stringify({
    format: SECRET_FORMAT,
    keyId,
    value: 'v'.repeat(40),
    consumer: 'checkout',
    usagePlanIds: [],
    createdAt: '2025-06-01T12:00:00.000Z',
  });
}

describe('findPendingKey', () => {
  test('finds the key tagged for the version, ignoring look-alikes', async () => {
    fake.addKey({ id: 'kreal', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    fake.addKey({
      id: 'kother',
      name: 'checkout-0a1b2c3d',
      tags: { ...originTagsFor(secret, TOKEN), 'keyplane:service': 'another-service' },
    });
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    await expect(findPendingKey(ctx, 'setSecret', { includeValues: false })).resolves.toMatchObject(
      {
        id: 'kreal',
      }
    );
  });

  test('with two keys for one version, takes the one the version names', async () => {
    fake.addKey({ id: 'ka', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    fake.addKey({ id: 'kb', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    writePending('kb');
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    await expect(
      findPendingKey(ctx, 'testSecret', { includeValues: false })
    ).resolves.toMatchObject({
      id: 'kb',
    });
  });

  test('with deleteDuplicates, deletes the keys the version does not name', async () => {
    fake.addKey({ id: 'ka', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    fake.addKey({ id: 'kb', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    writePending('kb');
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    await expect(
      findPendingKey(ctx, 'setSecret', { includeValues: false, deleteDuplicates: true })
    ).resolves.toMatchObject({ id: 'kb' });
    expect(fake.keys.has('ka')).toBe(false);
    expect(fake.keys.has('kb')).toBe(true);
  });

  test('without deleteDuplicates, deletes nothing', async () => {
    fake.addKey({ id: 'ka', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    fake.addKey({ id: 'kb', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    writePending('kb');
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    await findPendingKey(ctx, 'testSecret', { includeValues: false });

    expect(fake.keys.has('ka')).toBe(true);
  });

  test('fails when the version names a key that is not among them', async () => {
    fake.addKey({ id: 'ka', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    fake.addKey({ id: 'kb', name: 'checkout-0a1b2c3d', tags: originTagsFor(secret, TOKEN) });
    writePending('kgone');
    const ctx = await stepContext(testRuntime(), secret, TOKEN);

    await expect(findPendingKey(ctx, 'setSecret', { includeValues: false })).rejects.toThrow(
      /setSecret: version .* already names key kgone/
    );
  });
});
