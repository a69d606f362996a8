import {
  APIGatewayClient,
  BadRequestException,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  NotFoundException,
  TagResourceCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { KeyTag } from '../../../contract';
import {
  ApiKeyStore,
  UsagePlanConflict,
  UsagePlanNotFound,
} from '../../../lambdas/rotation/api-key-store';

const api = mockClient(APIGatewayClient);
const store = new ApiKeyStore(new APIGatewayClient({ region: 'eu-west-1' }), 'eu-west-1');
const origin = { service: 'svc', secretArn: 'arn:s', versionId: '0a1b2c3d-1111' };
const originTags = {
  [KeyTag.SERVICE]: 'svc',
  [KeyTag.SECRET_ARN]: 'arn:s',
  [KeyTag.SECRET_VERSION]: '0a1b2c3d-1111',
};
const notFound = () => new NotFoundException({ message: 'Invalid identifier', $metadata: {} });

beforeEach(() => api.reset());

describe('ApiKeyStore', () => {
  test('findMadeFor looks keys up by name and keeps those tagged for the version', async () => {
    api.on(GetApiKeysCommand).resolves({
      items: [
        { id: 'k1', name: 'checkout-0a1b2c3d', enabled: true, tags: originTags, value: 'v1' },
        { id: 'k2', name: 'checkout-0a1b2c3d', tags: { ...originTags, [KeyTag.SERVICE]: 'other' } },
        { id: 'k3', name: 'checkout-0a1b2c3dX', tags: {} },
      ],
    });

    const keys = await store.findMadeFor(origin, 'checkout', { includeValues: true });

    expect(keys).toEqual([
      expect.objectContaining({
        id: 'k1',
        enabled: true,
        value: 'v1',
        secretVersion: '0a1b2c3d-1111',
      }),
    ]);
    expect(api).toHaveReceivedCommandWith(GetApiKeysCommand, {
      nameQuery: 'checkout-0a1b2c3d',
      includeValues: true,
      limit: 500,
    });
  });

  test('listAll pages with position, 500 a page, with values (creation proofs cover them)', async () => {
    api
      .on(GetApiKeysCommand)
      .resolvesOnce({ items: [{ id: 'a' }], position: 'p2' })
      .resolvesOnce({ items: [{ id: 'b' }] });

    const keys = await store.listAll();

    expect(keys.map((k) => k.id)).toEqual(['a', 'b']);
    expect(api).toHaveReceivedNthSpecificCommandWith(1, GetApiKeysCommand, {
      includeValues: true,
      limit: 500,
    });
    expect(api).toHaveReceivedNthSpecificCommandWith(2, GetApiKeysCommand, { position: 'p2' });
  });

  test('create makes an enabled key with its tags in one call and drops the value', async () => {
    api
      .on(CreateApiKeyCommand)
      .resolves({ id: 'k9', name: 'n', enabled: true, value: 'secret', tags: originTags });

    const key = await store.create({
      name: 'n',
      value: 'secret',
      description: 'd',
      tags: originTags,
    });

    expect(key.id).toBe('k9');
    expect(key.value).toBeUndefined();
    expect(api).toHaveReceivedCommandWith(CreateApiKeyCommand, {
      name: 'n',
      value: 'secret',
      enabled: true,
      tags: originTags,
    });
  });

  test('get answers undefined for a missing key', async () => {
    api.on(GetApiKeyCommand).rejects(notFound());
    await expect(store.get('kx')).resolves.toBeUndefined();
  });

  test('setEnabled, tag and delete answer false for a missing key', async () => {
    api.on(UpdateApiKeyCommand).rejects(notFound());
    api.on(TagResourceCommand).rejects(notFound());
    api.on(DeleteApiKeyCommand).rejects(notFound());

    await expect(store.setEnabled('kx', false)).resolves.toBe(false);
    await expect(store.tag('kx', { a: 'b' })).resolves.toBe(false);
    await expect(store.delete('kx')).resolves.toBe(false);
    expect(api).toHaveReceivedCommandWith(UpdateApiKeyCommand, {
      apiKey: 'kx',
      patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
    });
  });

  test('tag addresses the key by its ARN, in the region and partition', async () => {
    api.on(TagResourceCommand).resolves({});
    await store.tag('k1', { [KeyTag.RETIRE_AFTER]: '2025-06-01T13:00:00.000Z' });
    expect(api).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: 'arn:aws:apigateway:eu-west-1::/apikeys/k1',
      tags: { [KeyTag.RETIRE_AFTER]: '2025-06-01T13:00:00.000Z' },
    });
  });

  test('addToPlan: "already a member" is success, a missing plan is UsagePlanNotFound', async () => {
    api
      .on(CreateUsagePlanKeyCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConflictException({ message: 'already a member', $metadata: {} }))
      .rejectsOnce(notFound())
      .rejectsOnce(new BadRequestException({ message: 'bad', $metadata: {} }));
    api.on(GetUsagePlanKeysCommand).resolves({ items: [{ id: 'k1' }] });

    await expect(store.addToPlan('p1', 'k1')).resolves.toBe('added');
    await expect(store.addToPlan('p1', 'k1')).resolves.toBe('already-member');
    await expect(store.addToPlan('p9', 'k1')).rejects.toThrow(UsagePlanNotFound);
    await expect(store.addToPlan('p1', 'k1')).rejects.toThrow(BadRequestException);
    expect(api).toHaveReceivedCommandWith(CreateUsagePlanKeyCommand, {
      usagePlanId: 'p1',
      keyId: 'k1',
      keyType: 'API_KEY',
    });
  });

  test('addToPlan: a ConflictException with the key not in the plan is UsagePlanConflict, not membership', async () => {
    const stageTaken = 'API Key k1 cannot reference multiple Usage Plans with the same API Stage';
    api
      .on(CreateUsagePlanKeyCommand)
      .rejects(new ConflictException({ message: stageTaken, $metadata: {} }));
    api
      .on(GetUsagePlanKeysCommand, { usagePlanId: 'p1' })
      .resolves({ items: [{ id: 'k0' }, { id: 'k1' }] });
    api.on(GetUsagePlanKeysCommand, { usagePlanId: 'p2' }).resolves({ items: [{ id: 'k0' }] });

    await expect(store.addToPlan('p1', 'k1')).resolves.toBe('already-member');
    const refused = store.addToPlan('p2', 'k1');
    await expect(refused).rejects.toThrow(UsagePlanConflict);
    await expect(refused).rejects.toThrow(
      `API Gateway refused to add key k1 to usage plan p2: ${stageTaken}`
    );
  });

  test('removeFromPlan: "not a member" is success', async () => {
    api.on(DeleteUsagePlanKeyCommand).resolvesOnce({}).rejectsOnce(notFound());
    await expect(store.removeFromPlan('p1', 'k1')).resolves.toBe('removed');
    await expect(store.removeFromPlan('p1', 'k1')).resolves.toBe('not-member');
  });

  test('plansOf, listPlanIds and listPlanMembers page 500 at a time', async () => {
    api.on(GetUsagePlansCommand, { keyId: 'k1' }).resolves({ items: [{ id: 'p1' }, { id: 'p2' }] });
    api.on(GetUsagePlansCommand, { keyId: undefined }).resolves({ items: [{ id: 'p1' }] });
    api
      .on(GetUsagePlanKeysCommand)
      .resolvesOnce({ items: [{ id: 'k1' }], position: 'x' })
      .resolvesOnce({ items: [{ id: 'k2' }] })
      .rejectsOnce(notFound());

    await expect(store.plansOf('k1')).resolves.toEqual(['p1', 'p2']);
    await expect(store.listPlanIds()).resolves.toEqual(['p1']);
    await expect(store.listPlanMembers('p1')).resolves.toEqual(['k1', 'k2']);
    await expect(store.listPlanMembers('pgone')).resolves.toEqual([]);
    expect(api).toHaveReceivedCommandWith(GetUsagePlanKeysCommand, {
      usagePlanId: 'p1',
      limit: 500,
    });
  });

  test('stops paging when API Gateway repeats a position', async () => {
    api.on(GetApiKeysCommand).resolves({ items: [{ id: 'a' }], position: 'same' });
    await expect(store.listAll()).resolves.toHaveLength(2);
    expect(api).toHaveReceivedCommandTimes(GetApiKeysCommand, 2);
  });
});
