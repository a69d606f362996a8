import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { Testing } from 'cdktf';
import { Period, UsagePlan, UsagePlanProps } from '../../constructs';
import { newStack, resourcesOf, synthJson } from '../support/stack';

function plan(props: Partial<UsagePlanProps>) {
  const stack = newStack();
  new UsagePlan(stack, 'Gold', { name: 'gold', ...props });
  return stack;
}

describe('UsagePlan', () => {
  test('renders quota, throttle, stages, method throttles and tags', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new UsagePlan(stack, 'Gold', {
      name: 'gold',
      description: 'Gold tier',
      quota: { limit: 1000, period: Period.WEEK, offset: 2 },
      throttle: { rateLimit: 10.5, burstLimit: 20 },
      apiStages: [
        {
          api: 'abc123',
          stage: 'prod',
          methodThrottles: { '/pets/GET': { rateLimit: 1, burstLimit: 2 } },
        },
      ],
      tags: { team: 'payments' },
    });
    // THEN
    const synthed = Testing.synth(stack);
    expect(synthed).toHaveResourceWithProperties(ApiGatewayUsagePlan, {
      name: 'gold',
      description: 'Gold tier',
      quota_settings: { limit: 1000, period: 'WEEK', offset: 2 },
      throttle_settings: { rate_limit: 10.5, burst_limit: 20 },
      api_stages: [
        {
          api_id: 'abc123',
          stage: 'prod',
          throttle: [{ path: '/pets/GET', rate_limit: 1, burst_limit: 2 }],
        },
      ],
      tags: { team: 'payments' },
    });
  });

  describe('claimForService: the service tag the rotation function needs to add keys', () => {
    test('tags the plan with keyplane:service, keeping its own tags; a second claim by the same service is a no-op', () => {
      const stack = newStack();
      const gold = new UsagePlan(stack, 'Gold', { name: 'gold', tags: { team: 'payments' } });
      gold.claimForService('payments', 'test/Acme');
      gold.claimForService('payments', 'test/Globex');
      const [rendered] = resourcesOf(synthJson(stack), 'aws_api_gateway_usage_plan');
      expect(rendered.tags).toEqual({ team: 'payments', 'keyplane:service': 'payments' });
    });

    test('a second service cannot claim the plan', () => {
      const gold = new UsagePlan(newStack(), 'Gold', { name: 'gold' });
      gold.claimForService('payments', 'test/Acme');
      expect(() => gold.claimForService('billing', 'test/Initech')).toThrow(
        'test/Initech: usage plan test/Gold already takes the keys of rotation service "payments" (claimed by test/Acme); a plan serves one rotation service, so give "billing" its own plan'
      );
    });

    test('a keyplane:service tag naming another service is refused, not overwritten', () => {
      const gold = new UsagePlan(newStack(), 'Gold', {
        name: 'gold',
        tags: { 'keyplane:service': 'billing' },
      });
      expect(() => gold.claimForService('payments', 'test/Acme')).toThrow(
        'test/Acme: usage plan test/Gold has tags["keyplane:service"] = "billing", but its keys are rotated by "payments"; remove that tag (keyplane sets it)'
      );
    });
  });

  test('defaults the quota offset to 0 and leaves quota and throttle out when not set', () => {
    const json = synthJson(plan({ quota: { limit: 5, period: Period.DAY } }));
    const [rendered] = resourcesOf(json, 'aws_api_gateway_usage_plan');
    expect(rendered.quota_settings).toEqual({ limit: 5, period: 'DAY', offset: 0 });
    expect(rendered).not.toHaveProperty('throttle_settings');
    expect(rendered).not.toHaveProperty('api_stages');
  });

  test('addApiStage adds stages after construction', () => {
    const stack = newStack();
    const gold = new UsagePlan(stack, 'Gold', {
      name: 'gold',
      apiStages: [{ api: 'a1', stage: 'v1' }],
    });
    gold.addApiStage({ api: 'a2', stage: 'v2' });
    const [rendered] = resourcesOf(synthJson(stack), 'aws_api_gateway_usage_plan');
    expect(rendered.api_stages).toEqual([
      { api_id: 'a1', stage: 'v1' },
      { api_id: 'a2', stage: 'v2' },
    ]);
    expect(gold.apiStages).toEqual([
      { apiId: 'a1', stageName: 'v1' },
      { apiId: 'a2', stageName: 'v2' },
    ]);
  });

  test('accepts every HTTP method, * and the root resource in method throttle keys', () => {
    const keys = [
      '/pets/GET',
      '/pets/{id}/DELETE',
      '/*/*',
      '//GET',
      '/a/b-c/d_e/PATCH',
      '/x/OPTIONS',
      '/x/HEAD',
      '/x/PUT',
      '/x/POST',
    ];
    const throttle = { rateLimit: 1, burstLimit: 1 };
    expect(() =>
      plan({
        apiStages: [
          {
            api: 'a',
            stage: 's',
            methodThrottles: Object.fromEntries(keys.map((k) => [k, throttle])),
          },
        ],
      })
    ).not.toThrow();
  });

  test.each([
    [
      'quota.limit',
      { quota: { limit: 0, period: Period.DAY } },
      /Gold: quota.limit must be a positive integer, got 0/,
    ],
    [
      'quota.limit',
      { quota: { limit: 1.5, period: Period.DAY } },
      /Gold: quota.limit must be a positive integer, got 1.5/,
    ],
    [
      'quota.period',
      { quota: { limit: 1, period: 'YEAR' as Period } },
      /Gold: quota.period must be one of DAY, WEEK, MONTH, got "YEAR"/,
    ],
    [
      'quota.offset DAY',
      { quota: { limit: 1, period: Period.DAY, offset: 1 } },
      /quota.offset must be 0 for period DAY, got 1/,
    ],
    [
      'quota.offset WEEK',
      { quota: { limit: 1, period: Period.WEEK, offset: 7 } },
      /quota.offset must be an integer from 0 to 6 for period WEEK, got 7/,
    ],
    [
      'quota.offset MONTH',
      { quota: { limit: 1, period: Period.MONTH, offset: 28 } },
      /quota.offset must be an integer from 0 to 27 for period MONTH, got 28/,
    ],
    [
      'throttle.rateLimit',
      { throttle: { rateLimit: 0, burstLimit: 1 } },
      /throttle.rateLimit must be a number greater than 0, got 0/,
    ],
    [
      'throttle.burstLimit',
      { throttle: { rateLimit: 1, burstLimit: -1 } },
      /throttle.burstLimit must be a non-negative integer, got -1/,
    ],
    [
      'throttle.burstLimit fraction',
      { throttle: { rateLimit: 1, burstLimit: 1.5 } },
      /throttle.burstLimit must be a non-negative integer, got 1.5/,
    ],
    ['name', { name: ' ' }, /Gold: name must be a non-empty string, got " "/],
    [
      'quota.limit negative',
      { quota: { limit: -5, period: Period.DAY } },
      /Gold: quota.limit must be a positive integer, got -5/,
    ],
    [
      'quota.offset negative',
      { quota: { limit: 1, period: Period.WEEK, offset: -1 } },
      /Gold: quota.offset must be an integer from 0 to 6 for period WEEK, got -1/,
    ],
    [
      'throttle.rateLimit infinite',
      { throttle: { rateLimit: Infinity, burstLimit: 1 } },
      /Gold: throttle.rateLimit must be a number greater than 0, got Infinity/,
    ],
  ])('fails when %s is out of range', (_field, props, message) => {
    expect(() => plan(props)).toThrow(message);
  });

  test.each(['/pets/FETCH', 'pets/GET', '/pets', '/pets/get', '/pets//GET', '/pe ts/GET'])(
    'fails when a method throttle key is %j',
    (key) => {
      expect(() =>
        plan({
          apiStages: [
            { api: 'a', stage: 's', methodThrottles: { [key]: { rateLimit: 1, burstLimit: 1 } } },
          ],
        })
      ).toThrow(
        new RegExp(
          `Gold: apiStages\\[0\\].methodThrottles key must have the shape "/resource/path/METHOD" with METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, \\*, got "${key.replace(/[/*]/g, '\\$&')}"`
        )
      );
    }
  );

  test('fails when a method throttle is out of range', () => {
    expect(() =>
      plan({
        apiStages: [
          {
            api: 'a',
            stage: 's',
            methodThrottles: { '/pets/GET': { rateLimit: -2, burstLimit: 1 } },
          },
        ],
      })
    ).toThrow(
      /Gold: apiStages\[0\].methodThrottles\["\/pets\/GET"\].rateLimit must be a number greater than 0, got -2/
    );
  });

  test('fails when the same API stage is added twice', () => {
    expect(() =>
      plan({
        apiStages: [
          { api: 'a', stage: 's' },
          { api: 'a', stage: 's' },
        ],
      })
    ).toThrow(/Gold: apiStages\[1\] covers API a stage s a second time/);
  });
});

describe('UsagePlan importId', () => {
  test('takes over an existing plan with an import block', () => {
    const stack = newStack();
    new UsagePlan(stack, 'Legacy', { name: 'legacy', importId: 'abc123' });
    const json = JSON.parse(Testing.synth(stack)) as {
      import?: { id: string; to: string }[];
    };
    expect(json.import).toEqual([
      { id: 'abc123', to: expect.stringMatching(/^aws_api_gateway_usage_plan\.Legacy_/) },
    ]);
  });

  test('fails when the id is not a usage plan id', () => {
    expect(() => new UsagePlan(newStack(), 'Legacy', { name: 'l', importId: 'a/b' })).toThrow(
      /test\/Legacy: importId must be a usage plan id \(letters and digits\), got "a\/b"/
    );
  });
});
