import { DeleteApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../../contract';
import { teardown } from '../../../lambdas/rotation/teardown';
import { FakeAws, type FakeSecret } from './support/fake-aws';
import { NOW, originTagsFor, seedConsumer, testRuntime } from './support/fixtures';

const fake = new FakeAws();
let kept: FakeSecret;
let scheduled: FakeSecret;

beforeEach(() => {
  fake.reset();
  kept = seedConsumer(fake);
  scheduled = seedConsumer(fake, { name: 'keyplane/orders-api/leaving' });
  scheduled.deletedDate = NOW;
  fake.addKey({ id: 'kkept', tags: originTagsFor(kept, 'v1') });
  fake.addKey({ id: 'kscheduled', tags: originTagsFor(scheduled, 'v1') });
  fake.addKey({
    id: 'kforgotten',
    tags: {
      [KeyTag.SERVICE]: 'orders-api',
      [KeyTag.SECRET_ARN]:
        'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/orders-api/gone-Zz',
      [KeyTag.SECRET_VERSION]: 'v1',
    },
  });
  fake.addKey({
    id: 'kother',
    tags: { ...originTagsFor(scheduled, 'v1'), [KeyTag.SERVICE]: 'billing-api' },
  });
  fake.addMember('plangold', 'kscheduled');
});

describe('teardown', () => {
  test.each(['create', 'update'] as const)('does nothing on %s', async (action) => {
    await expect(teardown(testRuntime(), action)).resolves.toEqual({
      terraformAction: action,
      deleted: 0,
    });
    expect(fake.apiGateway).not.toHaveReceivedCommand(GetApiKeysCommand);
  });

  test.each(['create', 'update'] as const)(
    'on %s, fails naming the declared secrets scheduled for deletion and the fix',
    async (action) => {
      const declared = [kept.name, scheduled.name, 'keyplane/orders-api/new'];

      const failure = teardown(testRuntime(), action, undefined, declared);

      await expect(failure).rejects.toThrow(
        /declares 1 secret\(s\) scheduled for deletion, which Secrets Manager will not create again until their recovery window ends: keyplane\/orders-api\/leaving\. .*aws secretsmanager delete-secret --force-delete-without-recovery --secret-id keyplane\/orders-api\/leaving.*restore-secret.*recoveryWindowInDays to 0/
      );
      expect(fake.keys.size).toBe(4);
    }
  );

  test('on create, lets a secret scheduled for deletion pass when the stack no longer declares it', async () => {
    await expect(teardown(testRuntime(), 'create', undefined, [kept.name])).resolves.toEqual({
      terraformAction: 'create',
      deleted: 0,
    });
  });

  test('on delete, deletes the keys of deleted secrets at once, and only those', async () => {
    const result = await teardown(testRuntime(), 'delete');

    expect(result).toEqual({ terraformAction: 'delete', deleted: 2 });
    expect([...fake.keys.keys()].sort()).toEqual(['kkept', 'kother']);
    expect(fake.plansOf('kscheduled')).toEqual([]);
    expect(fake.apiGateway).toHaveReceivedCommandTimes(DeleteApiKeyCommand, 2);
  });

  test("never deletes a key planted with this service's tags and a made-up secret ARN", async () => {
    fake.addKey(
      {
        id: 'kplanted',
        tags: {
          [KeyTag.SERVICE]: 'orders-api',
          [KeyTag.SECRET_ARN]:
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyplane/orders-api/made-up-Zz',
          [KeyTag.SECRET_VERSION]: 'v1',
        },
      },
      { forged: true }
    );

    const result = await teardown(testRuntime(), 'delete');

    expect(result.deleted).toBe(2);
    expect(fake.keys.get('kplanted')?.enabled).toBe(true);
  });

  test('repeated, deletes nothing more', async () => {
    await teardown(testRuntime(), 'delete');
    await expect(teardown(testRuntime(), 'delete')).resolves.toEqual({
      terraformAction: 'delete',
      deleted: 0,
    });
  });

  test('without a Terraform action (an operator), does the delete work', async () => {
    await expect(teardown(testRuntime())).resolves.toEqual({ terraformAction: 'none', deleted: 2 });
  });

  test('fails, saying how many keys are left, when the time runs out', async () => {
    await expect(teardown(testRuntime(), 'delete', 5_000)).rejects.toThrow(
      /orders-api teardown: ran out of time with 2 key\(s\) of deleted secrets left; run the teardown again/
    );
  });
});
