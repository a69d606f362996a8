import {
  API_GATEWAY_LIMITS,
  ApiGatewayPacer,
  containerLimits,
  operationName,
  TokenBucket,
} from '../../../lambdas/rotation/pacing';

/** A clock that only moves when the code sleeps. */
function virtualTime(): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  slept: number[];
} {
  let time = 0;
  const slept: number[] = [];
  return {
    now: () => time,
    sleep: (ms) => {
      slept.push(ms);
      time += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe('TokenBucket', () => {
  test('lets a burst through, then paces at the rate', async () => {
    const time = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3 }, time.now, time.sleep);

    for (let i = 0; i < 7; i++) await bucket.take();

    // 3 at once, then one every 500 ms.
    expect(time.slept).toEqual([500, 500, 500, 500]);
    expect(time.now()).toBe(2000);
  });

  test('serves concurrent callers in order without exceeding the rate', async () => {
    const time = virtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, time.now, time.sleep);
    const order: number[] = [];

    await Promise.all([0, 1, 2].map((i) => bucket.take().then(() => order.push(i))));

    expect(order).toEqual([0, 1, 2]);
    expect(time.now()).toBe(2000);
  });

  test('refuses a limit that cannot work', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond > 0/);
  });
});

describe('ApiGatewayPacer', () => {
  test('stays at half the account limits: 5 calls/s in all, 2.5/s for CreateApiKey and DeleteApiKey', () => {
    expect(API_GATEWAY_LIMITS.all.ratePerSecond).toBeLessThanOrEqual(10 / 2);
    expect(API_GATEWAY_LIMITS.perOperation.CreateApiKey.ratePerSecond).toBeLessThanOrEqual(5 / 2);
    expect(API_GATEWAY_LIMITS.perOperation.DeleteApiKey.ratePerSecond).toBeLessThanOrEqual(5 / 2);
  });

  test('holds DeleteApiKey to its own rate while other calls use the overall one', async () => {
    const time = virtualTime();
    const pacer = new ApiGatewayPacer(
      {
        all: { ratePerSecond: 10, burst: 10 },
        perOperation: { DeleteApiKey: { ratePerSecond: 1, burst: 1 } },
      },
      time.now,
      time.sleep
    );

    await pacer.acquire('DeleteApiKey');
    await pacer.acquire('GetApiKeys');
    expect(time.now()).toBe(0);
    await pacer.acquire('DeleteApiKey');
    expect(time.now()).toBe(1000);
  });
});

describe('containerLimits', () => {
  test('divides the function`s share among its containers, bursts at least 1', () => {
    expect(containerLimits(1)).toEqual(API_GATEWAY_LIMITS);
    expect(containerLimits(10)).toEqual({
      all: { ratePerSecond: 0.5, burst: 1 },
      perOperation: {
        CreateApiKey: { ratePerSecond: 0.25, burst: 1 },
        DeleteApiKey: { ratePerSecond: 0.25, burst: 1 },
      },
    });
    expect(containerLimits(4).all).toEqual({ ratePerSecond: 1.25, burst: 2 });
  });

  test('keeps all containers together within the function`s share', () => {
    for (const containers of [1, 2, 3, 5, 10, 20]) {
      const { all } = containerLimits(containers);
      expect(all.ratePerSecond * containers).toBeCloseTo(API_GATEWAY_LIMITS.all.ratePerSecond, 9);
      expect(all.burst * containers).toBeLessThanOrEqual(
        Math.max(API_GATEWAY_LIMITS.all.burst, containers)
      );
    }
  });

  test('refuses a number of containers that is not a whole number of at least 1', () => {
    expect(() => containerLimits(0)).toThrow(
      'containers must be a whole number of at least 1, got 0'
    );
    expect(() => containerLimits(2.5)).toThrow(/got 2.5/);
  });
});

describe('operationName', () => {
  test('strips the Command suffix', () => {
    expect(operationName('CreateApiKeyCommand')).toBe('CreateApiKey');
    expect(operationName('GetApiKeys')).toBe('GetApiKeys');
    expect(operationName(undefined)).toBe('');
  });
});
