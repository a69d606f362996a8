import {
  DeleteUsagePlanKeyCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../../contract';
import { retireKey, retirementCost } from '../../../lambdas/rotation/retire';
import { FakeAws } from './support/fake-aws';
import { testRuntime } from './support/fixtures';

const fake = new FakeAws();

beforeEach(() => {
  fake.reset();
  fake.addPlan('p1');
  fake.addPlan('p2');
});

describe('retireKey', () => {
  test('removes the key from its plans, disables it and tags delete-after', async () => {
    fake.addKey({ id: 'kold', tags: {} });
    fake.addMember('p1', 'kold');
    fake.addMember('p2', 'kold');

    const retired = await retireKey(testRuntime().keys, {
      keyId: 'kold',
      planIds: ['p1', 'p2'],
      deleteAfter: new Date('2025-06-08T12:00:00.000Z'),
    });

    expect(retired).toBe(true);
    expect(fake.plansOf('kold')).toEqual([]);
    expect(fake.keys.get('kold')?.enabled).toBe(false);
    expect(fake.keys.get('kold')?.tags[KeyTag.DELETE_AFTER]).toBe('2025-06-08T12:00:00.000Z');
    const calls = fake.calls().map((call) => call.command);
    expect(calls).toEqual([
      'DeleteUsagePlanKey',
      'DeleteUsagePlanKey',
      'UpdateApiKey',
      'TagResource',
    ]);
    expect(calls).toHaveLength(retirementCost(['p1', 'p2']));
  });

  test('repeated, succeeds (a key no longer in a plan is fine)', async () => {
    fake.addKey({ id: 'kold', tags: {} });
    const retirement = { keyId: 'kold', planIds: ['p1'], deleteAfter: new Date(0) };

    await expect(retireKey(testRuntime().keys, retirement)).resolves.toBe(true);
    expect(fake.apiGateway).toHaveReceivedCommandWith(DeleteUsagePlanKeyCommand, {
      usagePlanId: 'p1',
      keyId: 'kold',
    });
  });

  test('reports a key deleted out of band as not retired', async () => {
    await expect(
      retireKey(testRuntime().keys, { keyId: 'kgone', planIds: [], deleteAfter: new Date(0) })
    ).resolves.toBe(false);
    expect(fake.apiGateway).toHaveReceivedCommandTimes(UpdateApiKeyCommand, 1);
    expect(fake.apiGateway).not.toHaveReceivedCommand(TagResourceCommand);
  });
});
