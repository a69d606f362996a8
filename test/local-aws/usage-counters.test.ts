/**
 * API Gateway usage counters on the local AWS (local/emulator/moto_patches/apigateway_usage.py)
 * against AWS's documented behaviour: GetUsage answers [used, remaining] per day per key within
 * the plan's quota period (API_GetUsage.html); UpdateUsage `replace /remaining` sets the key's
 * remaining quota for the current period (API_UpdateUsage.html, "Maintain a usage plan");
 * simulated traffic is counted, and refused beyond the quota or with a disabled key.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetUsageCommand,
  UpdateApiKeyCommand,
  UpdateUsageCommand,
  type Op,
  type QuotaSettings,
} from '@aws-sdk/client-api-gateway';
import { LocalAws, startLocalAws } from '../../scripts/local-aws';
import { simulateTraffic } from '../support/simulated-traffic';

let aws: LocalAws;
let apigw: APIGatewayClient;

const day = (offset = 0): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function planWithKeys(
  quota: QuotaSettings | undefined,
  count: number
): Promise<{ planId: string; keyIds: string[] }> {
  const plan = await apigw.send(new CreateUsagePlanCommand({ name: 'usage', quota }));
  const keyIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = await apigw.send(new CreateApiKeyCommand({ name: `usage-${i}`, enabled: true }));
    await apigw.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' })
    );
    keyIds.push(key.id ?? '');
  }
  return { planId: plan.id ?? '', keyIds };
}

const traffic = (usagePlanId: string, keyId: string, requests: number, date?: string) =>
  simulateTraffic(aws.endpoint, aws.region, { usagePlanId, keyId, requests, date });

beforeAll(async () => {
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

describe('GetUsage', () => {
  it('answers [used, remaining] per day per key, remaining counted within the quota period', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 100, period: 'MONTH' }, 2);
    const [a, b] = keyIds;
    // Two days in the same month: yesterday and today, unless today is the 1st.
    const firstOfMonth = day().endsWith('-01');
    await traffic(planId, a, 30, firstOfMonth ? undefined : day(-1));
    await traffic(planId, a, 5);
    await traffic(planId, b, 7);

    const usage = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: day(-1), endDate: day() })
    );

    expect(usage).toMatchObject({ usagePlanId: planId, startDate: day(-1), endDate: day() });
    if (firstOfMonth) {
      expect(usage.items?.[a]).toEqual([
        [0, 100],
        [35, 65],
      ]);
    } else {
      expect(usage.items?.[a]).toEqual([
        [30, 70],
        [5, 65],
      ]);
    }
    expect(usage.items?.[b]?.at(-1)).toEqual([7, 93]);
    const one = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, keyId: b, startDate: day(), endDate: day() })
    );
    expect(one.items).toEqual({ [b]: [[7, 93]] });
  });

  it('starts every DAY period from the full limit', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 10, period: 'DAY' }, 1);
    await traffic(planId, keyIds[0], 4, day(-2));
    await traffic(planId, keyIds[0], 6, day(-1));

    const usage = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: day(-2), endDate: day() })
    );

    expect(usage.items?.[keyIds[0]]).toEqual([
      [4, 6],
      [6, 4],
      [0, 10],
    ]);
  });

  it('answers remaining 0 for a plan without a quota, and counts every request', async () => {
    const { planId, keyIds } = await planWithKeys(undefined, 1);
    expect(await traffic(planId, keyIds[0], 1000)).toEqual({ accepted: 1000, rejected: 0 });
    const usage = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: day(), endDate: day() })
    );
    expect(usage.items).toEqual({ [keyIds[0]]: [[1000, 0]] });
  });

  it('answers NotFoundException for an unknown plan and BadRequestException for bad dates', async () => {
    await expect(
      apigw.send(
        new GetUsageCommand({ usagePlanId: 'nosuchplan', startDate: day(), endDate: day() })
      )
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    const { planId } = await planWithKeys(undefined, 0);
    await expect(
      apigw.send(new GetUsageCommand({ usagePlanId: planId, startDate: day(), endDate: day(-1) }))
    ).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(
      apigw.send(new GetUsageCommand({ usagePlanId: planId, startDate: 'April', endDate: day() }))
    ).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringMatching(/startDate/),
    });
  });
});

describe('UpdateUsage', () => {
  it('replace /remaining sets what the key has left for the rest of the period', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 5000, period: 'WEEK' }, 1);
    const keyId = keyIds[0];
    await traffic(planId, keyId, 100);

    const answer = await apigw.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{ op: 'replace', path: '/remaining', value: '10' }],
      })
    );

    expect(answer.items).toEqual({ [keyId]: [[100, 10]] });
    expect(await traffic(planId, keyId, 15)).toEqual({ accepted: 10, rejected: 5 });
    const usage = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, keyId, startDate: day(), endDate: day() })
    );
    expect(usage.items).toEqual({ [keyId]: [[110, 0]] });
    // Raised again: an extension, not only a reduction.
    await apigw.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId,
        patchOperations: [{ op: 'replace', path: '/remaining', value: '300' }],
      })
    );
    expect(await traffic(planId, keyId, 1)).toEqual({ accepted: 1, rejected: 0 });
  });

  it('lasts only for the current period: the next one starts from the limit', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 50, period: 'DAY' }, 1);
    await apigw.send(
      new UpdateUsageCommand({
        usagePlanId: planId,
        keyId: keyIds[0],
        patchOperations: [{ op: 'replace', path: '/remaining', value: '3' }],
      })
    );
    const usage = await apigw.send(
      new GetUsageCommand({ usagePlanId: planId, startDate: day(), endDate: day(1) })
    );
    expect(usage.items?.[keyIds[0]]).toEqual([
      [0, 3],
      [0, 50],
    ]);
  });

  it('fails for an unknown plan or a key outside it, another op or path, a bad value, or no quota', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 50, period: 'DAY' }, 1);
    const outsider = await apigw.send(new CreateApiKeyCommand({ name: 'outsider' }));
    const update = (usagePlanId: string, keyId: string, op: Op, path: string, value: string) =>
      apigw.send(
        new UpdateUsageCommand({ usagePlanId, keyId, patchOperations: [{ op, path, value }] })
      );

    await expect(
      update('nosuchplan', keyIds[0], 'replace', '/remaining', '1')
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      update(planId, outsider.id ?? '', 'replace', '/remaining', '1')
    ).rejects.toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(update(planId, keyIds[0], 'add', '/remaining', '1')).rejects.toMatchObject({
      name: 'BadRequestException',
    });
    await expect(update(planId, keyIds[0], 'replace', '/used', '1')).rejects.toMatchObject({
      name: 'BadRequestException',
    });
    await expect(update(planId, keyIds[0], 'replace', '/remaining', '-1')).rejects.toMatchObject({
      name: 'BadRequestException',
    });
    const open = await planWithKeys(undefined, 1);
    await expect(
      update(open.planId, open.keyIds[0], 'replace', '/remaining', '1')
    ).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});

describe('simulated traffic', () => {
  it('refuses every request of a disabled key or a key outside the plan', async () => {
    const { planId, keyIds } = await planWithKeys({ limit: 50, period: 'DAY' }, 1);
    const outsider = await apigw.send(new CreateApiKeyCommand({ name: 'outsider', enabled: true }));
    expect(await traffic(planId, outsider.id ?? '', 3)).toEqual({ accepted: 0, rejected: 3 });
    await apigw.send(
      new UpdateApiKeyCommand({
        apiKey: keyIds[0],
        patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
      })
    );
    expect(await traffic(planId, keyIds[0], 3)).toEqual({ accepted: 0, rejected: 3 });
  });
});
