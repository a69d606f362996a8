import { APIGatewayClient, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readStatus } from '../../cli/status';
import {
  cli,
  healthyWorld,
  key,
  NOW,
  PLANS,
  apiGateway,
  regionOfCall,
  lambda,
  resetMocks,
  secret,
  secretsManager,
  SERVICE,
  world,
} from './fixture';

beforeEach(resetMocks);

describe('keyplane status', () => {
  test('prints one row per consumer: plans, current key, age, next rotation, retiring, health', async () => {
    world(
      [secret('acme'), secret('globex', { plans: [PLANS.free, PLANS.gold] })],
      [
        key('key-acme-2', 'acme', 'acme-v2', { createdDate: new Date('2026-06-13T09:00:00Z') }),
        key('key-acme-1', 'acme', 'acme-v1', {
          tags: { 'keyplane:retire-after': '2026-06-16T00:00:00Z' },
        }),
        key('key-globex-2', 'globex', 'globex-v2'),
      ]
    );

    const { code, stdout } = await cli('status');

    expect(code).toBe(0);
    const [header, acme, globex] = stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'CONSUMER',
      'PLANS',
      'CURRENT KEY',
      'AGE',
      'NEXT ROTATION',
      'RETIRING (retire after)',
      'STILL ON OLD KEY',
      'HEALTH',
    ]);
    expect(acme.split(/\s{2,}/)).toEqual([
      'acme',
      `${SERVICE}-gold`,
      'key-acme-2',
      '2d3h',
      '2026-07-10T00:00:00Z',
      'key-acme-1 (2026-06-16T00:00:00Z)',
      '-',
      'ok',
    ]);
    expect(globex).toMatch(
      /^globex\s+keyplane-prod-free,keyplane-prod-gold\s+key-globex-2\s+5d12h/
    );
  });

  test('--json gives a stable shape with health and no key value', async () => {
    healthyWorld();
    const { code, stdout } = await cli('status --json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed)).toEqual(['consumers']);
    expect(parsed.consumers[0]).toEqual({
      consumer: 'acme',
      service: SERVICE,
      secretName: 'keyplane/prod/acme',
      secretArn: expect.stringContaining('secret:keyplane/prod/acme'),
      plans: [{ id: PLANS.gold, name: `${SERVICE}-gold` }],
      currentKeyId: 'key-acme-2',
      currentVersion: 'acme-v2',
      keyCreated: '2026-06-10T00:00:00.000Z',
      keyAgeSeconds: (NOW.getTime() - Date.parse('2026-06-10T00:00:00Z')) / 1000,
      rotationEnabled: true,
      lastRotated: '2026-06-10T00:00:00.000Z',
      nextRotation: '2026-07-10T00:00:00.000Z',
      retiring: [],
      regions: [],
      stillOnOldKey: false,
      pendingVersion: null,
      health: { state: 'ok', reason: 'last rotated 2026-06-10T00:00:00.000Z' },
    });
  });

  test('names the consumers still on their old key: the key the sweep holds, since when, last used', async () => {
    world(
      [secret('acme'), secret('globex')],
      [
        key('key-acme-2', 'acme', 'acme-v2'),
        key('key-acme-1', 'acme', 'acme-v1', {
          tags: {
            'keyplane:retire-after': '2026-06-14T00:00:00Z',
            'keyplane:held-since': '2026-06-14T01:00:00.000Z',
            'keyplane:last-traffic': '2026-06-15T11:00:00.000Z',
          },
        }),
        key('key-globex-2', 'globex', 'globex-v2'),
      ]
    );

    const { stdout } = await cli('status');
    const json = JSON.parse((await cli('status --json')).stdout);

    expect(stdout).toMatch(
      /acme .*yes: key-acme-1 held since 2026-06-14T01:00:00.000Z, last used 2026-06-15T11:00:00.000Z/
    );
    expect(stdout.split('\n')[2]).toMatch(/^globex .* - +ok$/);
    expect(json.consumers[0]).toMatchObject({
      consumer: 'acme',
      stillOnOldKey: true,
      retiring: [{ keyId: 'key-acme-1', heldSince: '2026-06-14T01:00:00.000Z' }],
    });
    expect(json.consumers[1]).toMatchObject({ consumer: 'globex', stillOnOldKey: false });
  });

  test('shows a consumer without a key yet, and one whose rotation is stuck', async () => {
    world(
      [
        secret('acme', { stages: { boot: ['keyplane-bootstrap', 'AWSCURRENT'] } }),
        secret('globex', {
          stages: { 'globex-v2': ['AWSCURRENT'], 'globex-v3': ['AWSPENDING'] },
        }),
      ],
      [key('key-globex-2', 'globex', 'globex-v2')]
    );
    secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [{ VersionId: 'globex-v3', CreatedDate: new Date('2026-06-15T09:00:00Z') }],
    });

    const { stdout } = await cli('status');

    expect(stdout).toMatch(/acme .*\(no key yet\).*no-key: no key issued yet/);
    expect(stdout).toMatch(
      /globex .*key-globex-2.*failing: AWSPENDING stuck on version globex-v3 since 2026-06-15T09:00:00.000Z/
    );
  });

  test('--service that matches nothing exits 3 naming the services found', async () => {
    healthyWorld();
    const { code, stderr } = await cli('status --service keyplane-nope');
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /no keyplane secrets of service "keyplane-nope"; services found: keyplane-prod/
    );
  });

  /** acme and globex in the primary region; the function's keys also go to eu-west-1. */
  const twoConsumersKeysAlsoInEu = () => {
    world(
      [secret('acme'), secret('globex')],
      [key('key-acme-2', 'acme', 'acme-v2'), key('key-globex-2', 'globex', 'globex-v2')]
    );
    lambda
      .on(GetFunctionConfigurationCommand)
      .resolves({ Environment: { Variables: { KEYPLANE_KEY_REGIONS: 'eu-west-1' } } });
  };

  test('shows each further region: its current key, and an old key a failed retirement left there', async () => {
    twoConsumersKeysAlsoInEu();
    const inEu = [
      key('eu-acme-2', 'acme', 'acme-v2'),
      key('eu-acme-1', 'acme', 'acme-v1', {
        tags: { 'keyplane:retire-after': '2026-06-14T00:00:00Z' },
      }),
    ];
    apiGateway.on(GetApiKeysCommand).callsFake(async (_input, getClient) =>
      (await regionOfCall(getClient)) === 'eu-west-1'
        ? { items: inEu }
        : {
            items: [
              key('key-acme-2', 'acme', 'acme-v2'),
              key('key-globex-2', 'globex', 'globex-v2'),
            ],
          }
    );

    const table = await cli('status');
    // One read of the function's configuration gives both its overdue margin and its regions.
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(1);
    const json = JSON.parse((await cli('status --json')).stdout);

    const [header, acme, globex] = table.stdout.split('\n');
    expect(header).toMatch(/OTHER REGIONS \(current; retiring\)$/);
    expect(acme).toMatch(/eu-west-1: eu-acme-2; eu-acme-1 \(2026-06-14T00:00:00Z\)$/);
    expect(globex).toMatch(/\s-$/);
    expect(json.consumers[0].regions).toEqual([
      {
        region: 'eu-west-1',
        currentKeyId: 'eu-acme-2',
        retiring: [{ keyId: 'eu-acme-1', retireAfter: '2026-06-14T00:00:00Z' }],
      },
    ]);
    expect(json.consumers[1].regions).toEqual([]);
  });

  test("reads no function configuration when the caller gives both margins and regions' keys", async () => {
    twoConsumersKeysAlsoInEu();
    const clients = {
      secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
      apiGateway: new APIGatewayClient({ region: 'us-east-1' }),
      lambda: new LambdaClient({ region: 'us-east-1' }),
      apiGatewayIn: (region: string) => new APIGatewayClient({ region }),
    };

    const statuses = await readStatus(clients, SERVICE, {
      now: NOW,
      overdueMargins: new Map(),
      regionalKeys: new Map([['eu-west-1', [key('eu-acme-2', 'acme', 'acme-v2')]]]),
    });

    expect(lambda.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
    expect(statuses.map((s) => [s.consumer, s.regions.map((r) => r.current?.keyId)])).toEqual([
      ['acme', ['eu-acme-2']],
      ['globex', []],
    ]);
  });
});
