import { GetUsageCommand } from '@aws-sdk/client-api-gateway';
import { apiGateway, cli, key, PLANS, resetMocks, secret, SERVICE, world } from './fixture';

beforeEach(resetMocks);

function acmeWithTwoKeys() {
  world(
    [secret('acme', { plans: [PLANS.free, PLANS.gold] })],
    [key('key-acme-2', 'acme', 'acme-v2'), key('key-acme-1', 'acme', 'acme-v1')]
  );
}

describe('keyplane usage', () => {
  test("sums each of the consumer's keys per plan over --days, ignoring other consumers' keys", async () => {
    acmeWithTwoKeys();
    apiGateway.on(GetUsageCommand, { usagePlanId: PLANS.gold }).resolves({
      items: {
        'key-acme-2': [
          [5, 995],
          [7, 993],
          [1, 999],
        ],
        'key-acme-1': [
          [2, 998],
          [0, 1000],
          [0, 1000],
        ],
        'key-globex-2': [[100, 900]],
      },
    });
    apiGateway.on(GetUsageCommand, { usagePlanId: PLANS.free }).resolves({ items: {} });

    const run = await cli('usage acme --days 3 --json');

    expect(run.code).toBe(0);
    expect(apiGateway).toHaveReceivedCommandWith(GetUsageCommand, {
      usagePlanId: PLANS.gold,
      startDate: '2026-06-13',
      endDate: '2026-06-15',
    });
    const result = JSON.parse(run.stdout);
    expect(result.plans).toEqual([
      { planId: PLANS.free, planName: `${SERVICE}-free`, keys: [] },
      {
        planId: PLANS.gold,
        planName: `${SERVICE}-gold`,
        keys: [
          expect.objectContaining({ keyId: 'key-acme-2', current: true, used: 13, remaining: 999 }),
          expect.objectContaining({
            keyId: 'key-acme-1',
            current: false,
            used: 2,
            remaining: 1000,
          }),
        ],
      },
    ]);
    expect(result.plans[1].keys[0].days[0]).toEqual({
      date: '2026-06-13',
      used: 5,
      remaining: 995,
    });
  });

  test('prints a table per plan and key', async () => {
    acmeWithTwoKeys();
    apiGateway.on(GetUsageCommand).resolves({ items: { 'key-acme-2': [[4, 996]] } });
    const { stdout } = await cli('usage acme --days 1');
    expect(stdout.split('\n')).toEqual([
      'acme: requests 2026-06-15 .. 2026-06-15 (1 days, UTC)',
      'PLAN                KEY         CURRENT  USED  REMAINING (last day)',
      'keyplane-prod-free  key-acme-2  yes      4     996',
      'keyplane-prod-gold  key-acme-2  yes      4     996',
    ]);
  });

  test('says plainly when the endpoint has no GetUsage (exit 1)', async () => {
    acmeWithTwoKeys();
    apiGateway.on(GetUsageCommand).rejects(
      Object.assign(new Error('Not Found'), {
        name: 'UnknownError',
        $metadata: { httpStatusCode: 404 },
      })
    );
    const run = await cli('usage acme');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /does not implement API Gateway GetUsage, so there is no usage to show/
    );
  });

  test.each(['0', '91', 'seven'])('--days %s is a usage error (exit 2)', async (days) => {
    const run = await cli(`usage acme --days ${days}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`--days must be a whole number from 1 to 90, got "${days}"`)
    );
  });
});
