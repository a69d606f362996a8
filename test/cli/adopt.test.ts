import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { apiGateway, cli, resetMocks, TARGET_NOTICE } from './fixture';

beforeEach(resetMocks);

const partners = {
  id: 'pl4n1',
  name: 'orders partners',
  quota: { limit: 5000, period: 'MONTH' as const, offset: 0 },
  throttle: { rateLimit: 20, burstLimit: 40 },
  apiStages: [
    { apiId: 'api1', stage: 'prod', throttle: { '/orders/GET': { rateLimit: 5, burstLimit: 10 } } },
  ],
};

/** Two legacy keys in the partners plan, and one disabled key in no plan. */
function legacyWorld(): void {
  const keys = [
    { id: 'k1', name: 'legacy-initrode', enabled: true },
    { id: 'k2', name: 'legacy-umbrella', enabled: true },
    { id: 'k3', name: 'legacy-gone', enabled: false },
  ];
  apiGateway.on(GetApiKeysCommand).resolves({ items: keys });
  for (const key of keys) apiGateway.on(GetApiKeyCommand, { apiKey: key.id }).resolves(key);
  apiGateway.on(GetUsagePlansCommand).resolves({ items: [] });
  for (const id of ['k1', 'k2'])
    apiGateway.on(GetUsagePlansCommand, { keyId: id }).resolves({ items: [partners] });
}

function configFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-adopt-'));
  const file = path.join(dir, 'keyplane.config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      environments: { prod: { region: 'us-east-1', usagePlans: {}, consumers: {} } },
    })
  );
  return file;
}

describe('keyplane adopt', () => {
  test('prints the mapping key -> consumer -> plans, and the constructs that adopt them', async () => {
    legacyWorld();
    const run = await cli('adopt k1 k2');

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(TARGET_NOTICE);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^KEY\s+NAME\s+CONSUMER\s+PLANS\s+NOTE$/);
    expect(lines[1]).toMatch(
      /^k1\s+legacy-initrode\s+legacy-initrode\s+orders-partners \(pl4n1\)\s+adopt$/
    );
    expect(run.stdout).toContain(
      'new ManagedApiKey(this, "legacy-initrode", { consumer: "legacy-initrode", usagePlans: [planOrdersPartners], adoptKeyId: "k1" });'
    );
    expect(run.stdout).toContain(
      'const planOrdersPartners = new UsagePlan(this, "orders-partners", {"name":"orders partners","importId":"pl4n1"'
    );
  });

  test('--name-prefix selects by name and cuts the prefix off the consumer names; a key it cannot adopt exits 1', async () => {
    legacyWorld();
    const run = await cli('adopt --name-prefix legacy- --json');

    expect(run.code).toBe(1);
    const { mapping } = JSON.parse(run.stdout);
    expect(
      mapping.map((e: { consumer: string; problem?: string }) => [e.consumer, e.problem])
    ).toEqual([
      ['gone', 'disabled: adopt only keys in use (enable it, or let it go)'],
      ['initrode', undefined],
      ['umbrella', undefined],
    ]);
  });

  test('--apply writes the consumers and plans into the config, and a second run changes nothing', async () => {
    legacyWorld();
    const file = configFile();

    const first = await cli(
      `adopt --name-prefix legacy- --config ${file} --environment prod --apply`
    );
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    const second = await cli(
      `adopt --name-prefix legacy- --config ${file} --environment prod --apply`
    );

    expect(first.stdout).toContain(`added to ${file}:`);
    expect(written.environments.prod.consumers).toEqual({
      initrode: { plans: ['orders-partners'], adoptKeyId: 'k1' },
      umbrella: { plans: ['orders-partners'], adoptKeyId: 'k2' },
    });
    expect(written.environments.prod.usagePlans['orders-partners']).toEqual({
      importId: 'pl4n1',
      apiStages: [
        {
          restApiId: 'api1',
          stage: 'prod',
          methodThrottles: { '/orders/GET': { rateLimit: 5, burstLimit: 10 } },
        },
      ],
      quota: { limit: 5000, period: 'MONTH' },
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    expect(second.stdout).toContain('already declares these adoptions: nothing to change');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${JSON.stringify(written, null, 2)}\n`);
  });

  test('without --apply lists what it would add and writes nothing', async () => {
    legacyWorld();
    const file = configFile();
    const before = fs.readFileSync(file, 'utf8');

    const run = await cli(`adopt k1 --config ${file} --environment prod`);

    expect(run.stdout).toContain('would add to');
    expect(run.stdout).toContain('environments.prod.consumers.legacy-initrode');
    expect(run.stdout).toContain('run again with --apply');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  test('fails and writes nothing when a consumer of that name adopts another key', async () => {
    legacyWorld();
    const file = configFile();
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    config.environments.prod.consumers.initrode = { plans: [], adoptKeyId: 'other' };
    fs.writeFileSync(file, JSON.stringify(config));

    const run = await cli(
      `adopt --name-prefix legacy- --config ${file} --environment prod --apply`
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /nothing written, 1 conflict\(s\):\n  environments\.prod\.consumers\.initrode exists and does not adopt key k1/
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(config);
  });

  test.each([
    ['', /give the key ids to adopt, or --name-prefix/],
    ['k1 --name-prefix x', /give key ids or --name-prefix, not both/],
    ['k1 --apply', /--apply writes a config file: give --config and --environment/],
    ['k1 --config x.json', /--config and --environment go together/],
  ])('fails with usage for "adopt %s"', async (args, message) => {
    const run = await cli(`adopt ${args}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test('fails with not found for a key id that does not exist', async () => {
    apiGateway.on(GetApiKeyCommand).rejects(
      Object.assign(new Error('Invalid API Key identifier specified'), {
        name: 'NotFoundException',
      })
    );
    const run = await cli('adopt nokey');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/API key nokey does not exist/);
  });
});
