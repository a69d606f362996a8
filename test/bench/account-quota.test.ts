import { GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import {
  AccountQuota,
  API_GATEWAY_ACCOUNT_QUOTA,
  startQuotaStandIn,
} from '../../bench/account-quota';
import { createClients } from '../../lambdas/rotation/clients';

describe('AccountQuota (the stand-in of API Gateway`s account-wide quota)', () => {
  test('admits a burst of 40, then refuses until tokens come back at 10/s', () => {
    let now = 0;
    const quota = new AccountQuota(
      API_GATEWAY_ACCOUNT_QUOTA.ratePerSecond,
      API_GATEWAY_ACCOUNT_QUOTA.burst,
      () => now
    );
    const admitted = Array.from({ length: 45 }, () => quota.admit()).filter(Boolean);
    expect(admitted).toHaveLength(40);
    expect(quota.admit()).toBe(false);
    now = 250; // 2.5 tokens
    expect([quota.admit(), quota.admit(), quota.admit()]).toEqual([true, true, false]);
    now = 60_000; // never more than the burst
    expect(Array.from({ length: 41 }, () => quota.admit()).filter(Boolean)).toHaveLength(40);
  });

  test('refuses a quota that cannot work, naming the values', () => {
    expect(() => new AccountQuota(0, 40)).toThrow(
      'an account quota needs ratePerSecond > 0 and burst >= 1, got 0 and 40'
    );
  });
});

describe('startQuotaStandIn', () => {
  test('answers past the burst with the 429 the SDK retries as throttling, and counts', async () => {
    const standIn = await startQuotaStandIn({ ratePerSecond: 0.001, burst: 1 });
    try {
      const { apiGateway } = createClients({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
        endpoint: standIn.endpoint,
        maxAttempts: 2,
      });
      await apiGateway.send(new GetApiKeysCommand({}));
      const refused = apiGateway.send(new GetApiKeysCommand({}));
      await expect(refused).rejects.toMatchObject({
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429, attempts: 2 },
      });
      expect(standIn.counts()).toEqual({ admitted: 1, throttled: 2 });
      standIn.reset();
      expect(standIn.counts()).toEqual({ admitted: 0, throttled: 0 });
      await apiGateway.send(new GetApiKeysCommand({}));
      expect(standIn.counts()).toEqual({ admitted: 1, throttled: 0 });
      apiGateway.destroy();
    } finally {
      await standIn.stop();
    }
  }, 15_000);
});
