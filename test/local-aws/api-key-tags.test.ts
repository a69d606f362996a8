/**
 * API Gateway API keys on the local AWS behave like AWS where the rotation Lambda relies on
 * it: tags added after creation (moto_patches/apigateway.py), list paging, UpdateApiKey,
 * usage plan membership and its errors (usage counters: usage-counters.test.ts).
 */
import {
  APIGatewayClient,
  ApiKey,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetApiKeysCommandInput,
  GetTagsCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlanCommand,
  GetUsagePlansCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
  UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import { LocalAws, startLocalAws } from '../../scripts/local-aws';

let aws: LocalAws;
let apigw: APIGatewayClient;

const arnOf = (keyId: string) => `arn:aws:apigateway:${aws.region}::/apikeys/${keyId}`;

async function createKey(name: string, tags?: Record<string, string>): Promise<string> {
  const created = await apigw.send(new CreateApiKeyCommand({ name, enabled: true, tags }));
  return created.id ?? '';
}

/** Every page of GetApiKeys; returns the pages' sizes too, to check the paging itself. */
async function allKeys(
  input: GetApiKeysCommandInput
): Promise<{ keys: ApiKey[]; sizes: number[] }> {
  const keys: ApiKey[] = [];
  const sizes: number[] = [];
  let position = input.position;
  do {
    const page = await apigw.send(new GetApiKeysCommand({ ...input, position }));
    keys.push(...(page.items ?? []));
    sizes.push(page.items?.length ?? 0);
    position = page.position;
  } while (position !== undefined && sizes.length < 100);
  return { keys, sizes };
}

async function allPlanKeys(usagePlanId: string, limit: number): Promise<UsagePlanKey[]> {
  const keys: UsagePlanKey[] = [];
  let position: string | undefined;
  do {
    const page = await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId, limit, position }));
    expect(page.items?.length ?? 0).toBeLessThanOrEqual(limit);
    keys.push(...(page.items ?? []));
    position = page.position;
  } while (position !== undefined);
  return keys;
}

beforeAll(async () => {
  // A private server: these tests check moto_patches/ (not whatever emulator
  // KEYPLANE_AWS_ENDPOINT names), and list all keys, so other suites' keys must not mix in.
  aws = await startLocalAws({ isolated: true });
  apigw = new APIGatewayClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}, 120_000);

afterAll(async () => {
  apigw?.destroy();
  await aws?.stop();
});

beforeEach(async () => {
  await aws.reset();
});

describe('tags on API keys', () => {
  it('TagResource after creation merges into the tags GetApiKey, GetApiKeys and GetTags return', async () => {
    const id = await createKey('tagged-1', { 'keyplane:secret': 'arn:secret:a' });

    await apigw.send(
      new TagResourceCommand({
        resourceArn: arnOf(id),
        tags: {
          'keyplane:retire-after': '2026-01-02T00:00:00Z',
          'keyplane:secret': 'arn:secret:b',
        },
      })
    );

    const expected = {
      'keyplane:secret': 'arn:secret:b',
      'keyplane:retire-after': '2026-01-02T00:00:00Z',
    };
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: id }))).tags).toEqual(expected);
    const listed = await apigw.send(new GetApiKeysCommand({ nameQuery: 'tagged-1' }));
    expect(listed.items?.map((k) => [k.id, k.tags])).toEqual([[id, expected]]);
    expect((await apigw.send(new GetTagsCommand({ resourceArn: arnOf(id) }))).tags).toEqual(
      expected
    );
  });

  it('tags a key created without tags, and a second TagResource adds to the first', async () => {
    const id = await createKey('untagged-1');
    await apigw.send(new TagResourceCommand({ resourceArn: arnOf(id), tags: { a: '1' } }));
    await apigw.send(new TagResourceCommand({ resourceArn: arnOf(id), tags: { b: '2' } }));
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: id }))).tags).toEqual({
      a: '1',
      b: '2',
    });
  });

  it('UntagResource removes only the named tag keys', async () => {
    const id = await createKey('untag-1', { a: '1', b: '2', c: '3' });
    await apigw.send(
      new UntagResourceCommand({ resourceArn: arnOf(id), tagKeys: ['a', 'c', 'x'] })
    );
    expect((await apigw.send(new GetTagsCommand({ resourceArn: arnOf(id) }))).tags).toEqual({
      b: '2',
    });
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: id }))).tags).toEqual({ b: '2' });
  });

  it('answers NotFoundException for a key that does not exist', async () => {
    const missing = arnOf('nosuchkey1');
    await expect(
      apigw.send(new TagResourceCommand({ resourceArn: missing, tags: { a: '1' } }))
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(apigw.send(new GetTagsCommand({ resourceArn: missing }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('tags usage plans the same way', async () => {
    const plan = await apigw.send(new CreateUsagePlanCommand({ name: 'plan', tags: { a: '1' } }));
    const arn = `arn:aws:apigateway:${aws.region}::/usageplans/${plan.id}`;
    await apigw.send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2' } }));
    await apigw.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await apigw.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ b: '2' });
  });
});

describe('GetApiKeys', () => {
  it('pages with limit and position, each key once, in id order', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await createKey(`page-${i}`));

    const { keys, sizes } = await allKeys({ limit: 3 });

    expect(sizes).toEqual([3, 3, 1]);
    expect(keys.map((k) => k.id)).toEqual([...ids].sort());
  });

  it('returns 25 keys a page by default', async () => {
    for (let i = 0; i < 27; i++) await createKey(`default-${i}`);
    const { sizes } = await allKeys({});
    expect(sizes).toEqual([25, 2]);
  });

  it('skips no key when keys are deleted between pages', async () => {
    for (let i = 0; i < 6; i++) await createKey(`shrink-${i}`);
    const first = await apigw.send(new GetApiKeysCommand({ limit: 2 }));
    const seen = (first.items ?? []).map((k) => k.id);
    // Delete the last key of the first page: the next page must still start right after it.
    await apigw.send(new DeleteApiKeyCommand({ apiKey: seen[1] }));
    const { keys } = await allKeys({ limit: 2, position: first.position });
    const all = (await allKeys({ limit: 500 })).keys.map((k) => k.id);
    expect([seen[0], ...keys.map((k) => k.id)]).toEqual(all);
  });

  it('filters by nameQuery (a name prefix) and pages within the filter', async () => {
    const wanted = [await createKey('team-a-1'), await createKey('team-a-2')];
    wanted.push(await createKey('team-a-3'));
    await createKey('team-b-1');

    const { keys, sizes } = await allKeys({ nameQuery: 'team-a', limit: 2 });

    expect(sizes).toEqual([2, 1]);
    expect(keys.map((k) => k.id).sort()).toEqual(wanted.sort());
    expect(keys.map((k) => k.name).sort()).toEqual(['team-a-1', 'team-a-2', 'team-a-3']);
  });

  it('includes values only with includeValues=true', async () => {
    const created = await apigw.send(
      new CreateApiKeyCommand({ name: 'valued', value: 'v'.repeat(10) + '0123456789abcdef' })
    );
    const without = await apigw.send(new GetApiKeysCommand({ includeValues: false }));
    expect(without.items?.map((k) => [k.id, k.value])).toEqual([[created.id, undefined]]);
    const plain = await apigw.send(new GetApiKeysCommand({}));
    expect(plain.items?.[0].value).toBeUndefined();
    const withValues = await apigw.send(new GetApiKeysCommand({ includeValues: true }));
    expect(withValues.items?.map((k) => [k.id, k.value])).toEqual([
      [created.id, 'vvvvvvvvvv0123456789abcdef'],
    ]);
  });

  it('rejects a position it did not hand out', async () => {
    await expect(
      apigw.send(new GetApiKeysCommand({ position: '!!not-a-position!!' }))
    ).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});

describe('UpdateApiKey', () => {
  it('replaces /enabled, /name and /description', async () => {
    const id = await createKey('before', { keep: 'me' });
    const updated = await apigw.send(
      new UpdateApiKeyCommand({
        apiKey: id,
        patchOperations: [
          { op: 'replace', path: '/enabled', value: 'false' },
          { op: 'replace', path: '/name', value: 'after' },
          { op: 'replace', path: '/description', value: 'retired by the sweep' },
        ],
      })
    );
    expect(updated).toMatchObject({ id, enabled: false, name: 'after' });

    const read = await apigw.send(new GetApiKeyCommand({ apiKey: id }));
    expect(read).toMatchObject({
      enabled: false,
      name: 'after',
      description: 'retired by the sweep',
      tags: { keep: 'me' },
    });
    expect(read.value).toBeUndefined();

    await apigw.send(
      new UpdateApiKeyCommand({
        apiKey: id,
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }],
      })
    );
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: id }))).enabled).toBe(true);
  });
});

describe('usage plan membership', () => {
  let planId: string;

  beforeEach(async () => {
    planId = (await apigw.send(new CreateUsagePlanCommand({ name: 'members' }))).id ?? '';
  });

  const join = (keyId: string, usagePlanId = planId) =>
    apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));

  it('answers ConflictException (409) when the key is already in the plan', async () => {
    const id = await createKey('member');
    expect(await join(id)).toMatchObject({ id, type: 'API_KEY', name: 'member' });
    await expect(join(id)).rejects.toMatchObject({
      name: 'ConflictException',
      $metadata: { httpStatusCode: 409 },
    });
    expect((await allPlanKeys(planId, 10)).map((k) => k.id)).toEqual([id]);
  });

  it('answers NotFoundException for an unknown plan or key, and adds nothing', async () => {
    const id = await createKey('member');
    await expect(join(id, 'noplan123')).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(join('nokey12345')).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: 'noplan123' }))
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(await allPlanKeys(planId, 10)).toEqual([]);
  });

  it('pages GetUsagePlanKeys, and DeleteUsagePlanKey removes one member', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const id = await createKey(`member-${i}`);
      await join(id);
      ids.push(id);
    }
    expect((await allPlanKeys(planId, 2)).map((k) => k.id)).toEqual([...ids].sort());

    await apigw.send(new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId: ids[2] }));

    const left = ids.filter((_, i) => i !== 2).sort();
    expect((await allPlanKeys(planId, 2)).map((k) => k.id)).toEqual(left);
    await expect(
      apigw.send(new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId: ids[2] }))
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    // The key itself is still there, and can join again.
    expect((await apigw.send(new GetApiKeyCommand({ apiKey: ids[2] }))).id).toBe(ids[2]);
    await join(ids[2]);
  });

  it('DeleteApiKey also removes the key from its plans', async () => {
    const other = (await apigw.send(new CreateUsagePlanCommand({ name: 'other' }))).id ?? '';
    const id = await createKey('leaving');
    await join(id);
    await join(id, other);

    await apigw.send(new DeleteApiKeyCommand({ apiKey: id }));

    expect(await allPlanKeys(planId, 10)).toEqual([]);
    expect(await allPlanKeys(other, 10)).toEqual([]);
    const plans = await apigw.send(new GetUsagePlansCommand({ keyId: id }));
    expect(plans.items ?? []).toEqual([]);
  });
});

describe('UpdateUsagePlan', () => {
  test('removes a stage that carries per-method throttles, as Terraform does before deleting a plan', async () => {
    const plan = await apigw.send(
      new CreateUsagePlanCommand({
        name: 'throttled-stages',
        apiStages: [
          {
            apiId: 'api1',
            stage: 'v1',
            throttle: { '/pets/POST': { rateLimit: 1, burstLimit: 2 } },
          },
          { apiId: 'api2', stage: 'v1' },
        ],
      })
    );
    await apigw.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id,
        patchOperations: [{ op: 'remove', path: '/apiStages', value: 'api1:v1' }],
      })
    );
    const after = await apigw.send(new GetUsagePlanCommand({ usagePlanId: plan.id }));
    expect(after.apiStages?.map((s) => `${s.apiId}:${s.stage}`)).toEqual(['api2:v1']);
  });
});
