import {
  type ApiKey,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ListSecretVersionIdsCommand } from '@aws-sdk/client-secrets-manager';
import { AUDIT_EVENT, type AuditedRegionalPlans } from '../../contract/audit';
import {
  apiGateway,
  arnOf,
  cli,
  FUNCTION_ARN,
  healthyWorld,
  key,
  lambda,
  payload,
  PLANS,
  regionOfCall,
  resetMocks,
  secret,
  secretsManager,
  SERVICE,
  world,
} from './fixture';

beforeEach(resetMocks);

/** A key someone else tagged as the service's: the tags without the function's proof. */
function withoutProof(made: ApiKey): ApiKey {
  const { 'keyplane:proof': _proof, ...tags } = made.tags ?? {};
  return { ...made, tags };
}

describe('keyplane doctor', () => {
  test('exits 0 on a clean deployment', async () => {
    healthyWorld();
    const run = await cli('doctor');
    expect(run).toMatchObject({
      code: 0,
      stdout: `doctor: no drift in 2 consumer(s) of ${SERVICE}`,
    });
  });

  test('names an orphan key, a key in the wrong plans, a stuck pending version and a keyless secret (exit 1)', async () => {
    world(
      [
        secret('acme'),
        secret('globex', {
          stages: { 'globex-v2': ['AWSCURRENT'], 'globex-v3': ['AWSPENDING'] },
        }),
        secret('initech', { stages: { boot: ['keyplane-bootstrap', 'AWSCURRENT'] } }),
      ],
      [
        key('key-acme-2', 'acme', 'acme-v2'),
        key('key-globex-2', 'globex', 'globex-v2'),
        key('key-gone-1', 'umbrella', 'umbrella-v1'),
        // Tagged as the service's by someone else: no proof, so never touched by keyplane.
        withoutProof(key('key-planted', 'acme', 'acme-v9')),
        // The sweep already retired this orphan; it waits for deletion: not a finding.
        key('key-gone-0', 'umbrella', 'umbrella-v0', {
          enabled: false,
          tags: { 'keyplane:delete-after': '2026-06-20T00:00:00Z' },
        }),
      ],
      { [PLANS.gold]: ['key-globex-2', 'key-gone-1'], [PLANS.free]: ['key-acme-2'] }
    );
    secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [{ VersionId: 'globex-v3', CreatedDate: new Date('2026-06-15T10:00:00Z') }],
    });

    const run = await cli('doctor --json');

    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ clean: false, services: [SERVICE], consumers: 3 });
    expect(
      report.findings.map((f: { kind: string; keyId?: string; consumer?: string }) => [
        f.kind,
        f.keyId ?? f.consumer,
      ])
    ).toEqual([
      ['orphan-key', 'key-gone-1'],
      ['unproven-key', 'key-planted'],
      ['wrong-plans', 'key-acme-2'],
      ['pending-stuck', 'globex'],
      ['no-key-yet', 'initech'],
    ]);
    expect(report.findings[1].message).toMatch(
      /key key-planted \(enabled\) carries .* tags but no ownership proof: keyplane did not make it and will never change or delete it/
    );
    expect(report.findings[2].message).toBe(
      `acme: current key key-acme-2 is missing from plan(s) ${SERVICE}-gold and is in undeclared plan(s) ${SERVICE}-free; the next sweep reconciles it`
    );
  });

  test('a pending version younger than --stuck-after is a rotation in progress, not a finding', async () => {
    world(
      [secret('acme', { stages: { 'acme-v2': ['AWSCURRENT'], 'acme-v3': ['AWSPENDING'] } })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      { [PLANS.gold]: ['key-acme-2'] }
    );
    secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [{ VersionId: 'acme-v3', CreatedDate: new Date('2026-06-15T11:30:00Z') }],
    });
    expect((await cli('doctor')).code).toBe(0);
    const strict = await cli('doctor --stuck-after 10');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /\[pending-stuck\] keyplane-prod: acme: AWSPENDING stuck on version acme-v3/
    );
  });

  test('names a consumer whose scheduled rotation is overdue by more than the two-day margin', async () => {
    world(
      [secret('acme', { nextRotation: new Date('2026-06-13T00:00:00Z') })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      {
        [PLANS.gold]: ['key-acme-2'],
      }
    );
    const run = await cli('doctor');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[rotation-failed\] keyplane-prod: acme: the rotation due 2026-06-13T00:00:00.000Z has not happened/
    );
  });

  test("judges overdue by the margin the service was deployed with (its function's environment)", async () => {
    world(
      [secret('acme', { nextRotation: new Date('2026-06-15T00:00:00Z') })],
      [key('key-acme-2', 'acme', 'acme-v2')],
      { [PLANS.gold]: ['key-acme-2'] }
    );
    expect((await cli('doctor')).code).toBe(0);
    lambda.on(GetFunctionConfigurationCommand, { FunctionName: FUNCTION_ARN }).resolves({
      Environment: { Variables: { KEYPLANE_OVERDUE_MARGIN_SECONDS: String(6 * 3600) } },
    });
    const run = await cli('doctor');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[rotation-failed\] keyplane-prod: acme: the rotation due 2026-06-15T00:00:00.000Z has not happened/
    );
  });

  test('names a current key that is missing or disabled', async () => {
    world(
      [secret('acme'), secret('globex')],
      [key('key-globex-2', 'globex', 'globex-v2', { enabled: false })],
      { [PLANS.gold]: ['key-globex-2'] }
    );
    const { stdout } = await cli('doctor');
    expect(stdout).toMatch(
      /\[current-key-broken\] keyplane-prod: acme: the key made for AWSCURRENT \(version acme-v2\) is missing/
    );
    expect(stdout).toMatch(
      /\[wrong-plans\] keyplane-prod: disabled key key-globex-2 is still in plan\(s\) keyplane-prod-gold/
    );
    expect(stdout).toMatch(
      /\[current-key-broken\] keyplane-prod: globex: the current key key-globex-2 is disabled/
    );
  });
});

describe("keyplane doctor and the deployer's policy", () => {
  const rogueArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:keyplane/${SERVICE}/rogue-AbCdEf`;

  test('names what the rotation function refuses or does not obey (exit 1)', async () => {
    healthyWorld();
    lambda.on(InvokeCommand, { Payload: JSON.stringify(AUDIT_EVENT) }).resolves({
      Payload: payload(
        JSON.stringify({
          undeclaredSecretArns: [rogueArn],
          policyTagMismatches: [
            {
              secretArn: 'arn:s',
              tag: 'keyplane:usage-plans',
              tagValue: 'otherteam',
              policyValue: 'gold1',
            },
          ],
        })
      ),
    });

    const run = await cli('doctor');

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `[undeclared-secret] ${SERVICE}: secret ${rogueArn} is under ${SERVICE}'s name prefix but not in the deployer's policy: the rotation function refuses it`
    );
    expect(run.stdout).toContain(
      `[policy-tag-mismatch] ${SERVICE}: arn:s: tag keyplane:usage-plans is "otherteam" but the deployer's policy says "gold1"; the function obeys the policy, not the tag`
    );
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: `${SERVICE}-rotation`,
      Payload: '{"action":"audit"}',
    });
  });

  test('a function that cannot be asked is a finding, not a crash', async () => {
    healthyWorld();
    lambda.on(InvokeCommand).rejects(new Error('AccessDeniedException: not allowed'));

    const run = await cli('doctor');

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /\[audit-failed\] .*could not ask .*-rotation for its policy audit \(AccessDeniedException: not allowed\)/
    );
  });
});

describe('keyplane doctor in every region of a multi-region service', () => {
  const EU = 'eu-west-1';
  const EU_PLANS = { free: 'plan-eu-free', gold: 'plan-eu-gold' } as const;

  /** What the function's audit declares in eu-west-1: acme in gold, globex in free and gold. */
  const BOTH_IN_EU: AuditedRegionalPlans[] = [
    { secretArn: arnOf('acme'), region: EU, usagePlanIds: [EU_PLANS.gold] },
    { secretArn: arnOf('globex'), region: EU, usagePlanIds: [EU_PLANS.free, EU_PLANS.gold] },
  ];

  /**
   * acme and globex, healthy in the client's region and with their current keys in eu-west-1,
   * in the eu-west-1 plans the function's policy declares; `euKeys` and `euMembers` replace
   * that region's keys and plan members, `regionalPlans` what the audit declares there.
   */
  function twoRegions(
    euKeys: ApiKey[] = [
      key('eu-acme-2', 'acme', 'acme-v2'),
      key('eu-globex-2', 'globex', 'globex-v2'),
    ],
    euMembers: Record<string, string[]> = {
      [EU_PLANS.gold]: ['eu-acme-2', 'eu-globex-2'],
      [EU_PLANS.free]: ['eu-globex-2'],
    },
    regionalPlans: AuditedRegionalPlans[] = BOTH_IN_EU
  ): void {
    healthyWorld();
    const primaryKeys = [
      key('key-acme-2', 'acme', 'acme-v2'),
      key('key-globex-2', 'globex', 'globex-v2'),
    ];
    const primaryMembers: Record<string, string[]> = {
      [PLANS.gold]: ['key-acme-2', 'key-globex-2'],
      [PLANS.free]: ['key-globex-2'],
    };
    const inEu = async (getClient: Parameters<typeof regionOfCall>[0]) =>
      (await regionOfCall(getClient)) === EU;
    apiGateway.on(GetApiKeysCommand).callsFake(async (_input, getClient) => ({
      items: (await inEu(getClient)) ? euKeys : primaryKeys,
    }));
    apiGateway.on(GetUsagePlansCommand).callsFake(async (_input, getClient) => ({
      items: (await inEu(getClient))
        ? [
            { id: EU_PLANS.free, name: `${SERVICE}-free-eu` },
            { id: EU_PLANS.gold, name: `${SERVICE}-gold-eu` },
          ]
        : [
            { id: PLANS.free, name: `${SERVICE}-free` },
            { id: PLANS.gold, name: `${SERVICE}-gold` },
          ],
    }));
    apiGateway
      .on(GetUsagePlanKeysCommand)
      .callsFake(async (input: { usagePlanId: string }, getClient) => ({
        items: ((await inEu(getClient)) ? euMembers : primaryMembers)[input.usagePlanId]?.map(
          (id) => ({ id })
        ),
      }));
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolves({ Environment: { Variables: { KEYPLANE_KEY_REGIONS: EU } } });
    lambda.on(InvokeCommand, { Payload: JSON.stringify(AUDIT_EVENT) }).resolves({
      Payload: payload(
        JSON.stringify({
          undeclaredSecretArns: [],
          policyTagMismatches: [],
          regionalPlans,
        })
      ),
    });
  }

  /** The findings of `doctor --json`, as [kind, region, key id or consumer]. */
  async function findings(): Promise<{ code: number; found: string[][]; messages: string[] }> {
    const run = await cli('doctor --json');
    const report = JSON.parse(run.stdout) as {
      findings: {
        kind: string;
        region?: string;
        keyId?: string;
        consumer?: string;
        message: string;
      }[];
    };
    return {
      code: run.code,
      found: report.findings.map((f) => [f.kind, f.region ?? '-', f.keyId ?? f.consumer ?? '']),
      messages: report.findings.map((f) => f.message),
    };
  }

  test('a clean two-region world has no finding; the function configuration is read once; only reads, never a value', async () => {
    twoRegions();

    const run = await cli('doctor');

    expect(run).toMatchObject({
      code: 0,
      stdout: `doctor: no drift in 2 consumer(s) of ${SERVICE}`,
    });
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(1);
    // The further region was read: its plans' members, through the eu-west-1 client.
    const euPlanReads = apiGateway
      .commandCalls(GetUsagePlanKeysCommand)
      .filter((call) =>
        Object.values<string>(EU_PLANS).includes(call.args[0].input.usagePlanId ?? '')
      );
    expect(euPlanReads).toHaveLength(2);
    for (const call of apiGateway.commandCalls(GetApiKeysCommand))
      expect(call.args[0].input.includeValues).toBe(false);
    const sent = [...apiGateway.calls(), ...secretsManager.calls(), ...lambda.calls()].map(
      (call) => (call.args[0] as object).constructor.name
    );
    expect(new Set(sent)).toEqual(
      new Set([
        'GetApiKeysCommand',
        'GetUsagePlansCommand',
        'GetUsagePlanKeysCommand',
        'ListSecretsCommand',
        'GetFunctionConfigurationCommand',
        'InvokeCommand',
      ])
    );
  });

  const acme = (id = 'eu-acme-2', extra = {}) => key(id, 'acme', 'acme-v2', extra);
  const globex = key('eu-globex-2', 'globex', 'globex-v2');
  const members = (acmePlans: string[], more: string[] = []) => ({
    [EU_PLANS.gold]: ['eu-globex-2', ...(acmePlans.includes('gold') ? ['eu-acme-2'] : []), ...more],
    [EU_PLANS.free]: ['eu-globex-2', ...(acmePlans.includes('free') ? ['eu-acme-2'] : [])],
  });

  test.each([
    {
      drift: 'a key with the tags but no proof',
      keys: [acme(), globex, withoutProof(key('eu-planted', 'acme', 'acme-v9'))],
      members: members(['gold']),
      expected: [['unproven-key', EU, 'eu-planted']],
      message:
        /^in eu-west-1: key eu-planted \(enabled\) carries keyplane-prod's tags but no ownership proof/,
    },
    {
      drift: 'a key whose secret is gone',
      keys: [acme(), globex, key('eu-gone-1', 'umbrella', 'umbrella-v1')],
      members: members(['gold']),
      expected: [['orphan-key', EU, 'eu-gone-1']],
      message:
        /^in eu-west-1: key eu-gone-1 \(enabled\) belongs to secret .*umbrella.*, which is gone/,
    },
    {
      drift: 'a disabled key still in a plan',
      keys: [acme(), globex, key('eu-acme-1', 'acme', 'acme-v1', { enabled: false })],
      members: members(['gold'], ['eu-acme-1']),
      expected: [['wrong-plans', EU, 'eu-acme-1']],
      message: /^in eu-west-1: disabled key eu-acme-1 is still in plan\(s\) keyplane-prod-gold-eu$/,
    },
    {
      drift: "AWSCURRENT's key missing in the region",
      keys: [globex],
      members: members([]),
      expected: [['current-key-broken', EU, 'acme']],
      message: /^in eu-west-1: acme: the key made for AWSCURRENT \(version acme-v2\) is missing$/,
    },
    {
      drift: "AWSCURRENT's key out of the region's declared plan",
      keys: [acme(), globex],
      members: members([]),
      expected: [['wrong-plans', EU, 'eu-acme-2']],
      message:
        /^in eu-west-1: acme: current key eu-acme-2 is missing from plan\(s\) keyplane-prod-gold-eu; the next sweep reconciles it$/,
    },
    {
      drift: "AWSCURRENT's key in a plan of the region it does not declare",
      keys: [acme(), globex],
      members: members(['gold', 'free']),
      expected: [['wrong-plans', EU, 'eu-acme-2']],
      message:
        /^in eu-west-1: acme: current key eu-acme-2 is in undeclared plan\(s\) keyplane-prod-free-eu;/,
    },
  ])('names $drift in the further region, with its region', async (planted) => {
    twoRegions(planted.keys, planted.members);

    const { code, found, messages } = await findings();

    expect(code).toBe(1);
    expect(found).toEqual(planted.expected);
    expect(messages[0]).toMatch(planted.message);
  });

  /** acme's key of the region it dropped: retired by the sweep, waiting for deletion. */
  const droppedAcme = key('eu-acme-1', 'acme', 'acme-v1', {
    enabled: false,
    tags: { 'keyplane:delete-after': '2026-06-20T00:00:00Z' },
  });
  const globexOnly = BOTH_IN_EU.filter((plans) => plans.secretArn === arnOf('globex'));

  test('a consumer that dropped the region is not checked there by its old keys, once the audit answered', async () => {
    // acme rotated (acme-v2) after dropping eu-west-1: only its retired key acme-v1 is there.
    twoRegions([droppedAcme, globex], members([]), globexOnly);

    const { code, found } = await findings();

    expect(found).toEqual([]);
    expect(code).toBe(0);
  });

  test('without an audit, a consumer with keys in the region is checked there', async () => {
    twoRegions([droppedAcme, globex], members([]), globexOnly);
    lambda.on(InvokeCommand).rejects(new Error('AccessDeniedException: not allowed'));

    const { found, messages } = await findings();

    expect(found).toEqual([
      ['current-key-broken', EU, 'acme'],
      ['audit-failed', '-', ''],
    ]);
    expect(messages[0]).toBe(
      'in eu-west-1: acme: the key made for AWSCURRENT (version acme-v2) is missing'
    );
  });

  test("a disabled current key in the region is broken there, and still in the region's plan", async () => {
    twoRegions([acme('eu-acme-2', { enabled: false }), globex], members(['gold']));

    const { found, messages } = await findings();

    expect(found).toEqual([
      ['wrong-plans', EU, 'eu-acme-2'],
      ['current-key-broken', EU, 'eu-acme-2'],
    ]);
    expect(messages[1]).toBe('in eu-west-1: acme: the current key eu-acme-2 is disabled');
  });
});
