import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig, type KeyplaneConfig } from '../../app/config';
import { synthPlatformApp } from '../../app/platform-app';
import {
  appShards,
  environmentShards,
  MAX_CONSUMERS_PER_SHARD,
  shardOf,
  shardStateKey,
} from '../../app/shards';
import { resourcesOf, SynthJson } from '../support/stack';

const names = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `consumer-${String(from + i).padStart(5, '0')}`);

function config(
  consumers: readonly string[],
  environment: Record<string, unknown> = {},
  consumer: Record<string, unknown> = {}
): KeyplaneConfig {
  return parseConfig(
    {
      environments: {
        prod: {
          region: 'eu-west-1',
          usagePlans: { gold: {} },
          consumers: Object.fromEntries(
            consumers.map((name) => [name, { plans: ['gold'], ...consumer }])
          ),
          ...environment,
        },
      },
    },
    'test'
  );
}

describe('shards', () => {
  test('a consumer is hashed to a shard in range, the same one every time', () => {
    expect(shardOf('acme', 7)).toBe(shardOf('acme', 7));
    // Pinned: a change of hash would move every deployed consumer to another stack.
    expect(['acme', 'globex', 'initech'].map((c) => shardOf(c, 7))).toEqual([5, 5, 0]);
    const counts = new Array(7).fill(0);
    for (const c of names(7_000)) counts[shardOf(c, 7)]++;
    // 1,000 each on average; SHA-256 spreads names that differ in one digit.
    for (const count of counts) expect(Math.abs(count - 1_000)).toBeLessThan(120);
  });

  test('adding consumers never moves an existing one to another shard', () => {
    const before = environmentShards('prod', config(names(3_000), { shards: 5 }).environments.prod);
    const after = environmentShards(
      'prod',
      config([...names(1_000, 50_000), ...names(3_000)], { shards: 5 }).environments.prod
    );
    const where = (shards: typeof before) =>
      new Map(shards.flatMap((s) => s.consumers.map((c) => [c, s.stackId] as const)));
    const was = where(before);
    const is = where(after);
    for (const [consumer, stack] of was) expect(is.get(consumer)).toBe(stack);
    expect(after.map((s) => s.stackId)).toEqual([0, 1, 2, 3, 4].map((i) => `prod-shard-${i}`));
  });

  test('one shard (the default) is the environment itself: same stack id, every consumer', () => {
    const [only] = appShards(config(['acme', 'globex']));
    expect(only).toEqual({
      environment: 'prod',
      index: 0,
      count: 1,
      stackId: 'prod',
      consumers: ['acme', 'globex'],
    });
  });

  test(`fails when a shard would hold more than ${MAX_CONSUMERS_PER_SHARD} consumers, naming the count to set`, () => {
    expect(() => appShards(config(names(1_500)))).toThrow(
      /^environments\.prod\.shards: shard 0 of 1 would hold 1500 of the 1500 consumers, over the 1000 a shard may hold; set shards to 2 \(changing shards moves consumers/
    );
    expect(() => appShards(config(names(1_500), { shards: 2 }))).not.toThrow();
  });

  test('fails when a shard has the stack id of another environment', () => {
    const both = parseConfig(
      {
        environments: {
          prod: { region: 'eu-west-1', shards: 2, usagePlans: {}, consumers: {} },
          'prod-shard-1': { region: 'eu-west-1', usagePlans: {}, consumers: {} },
        },
      },
      'test'
    );
    expect(() => appShards(both)).toThrow(
      'environments.prod-shard-1: its stack prod-shard-1 has the name of a stack of environment prod; rename one of the environments'
    );
  });

  test('fails when a sharded environment is named too long for its shards to get distinct service names', () => {
    const long = 'a'.repeat(30);
    const config = parseConfig(
      {
        environments: { [long]: { region: 'eu-west-1', shards: 2, usagePlans: {}, consumers: {} } },
      },
      'test'
    );
    expect(() => appShards(config)).toThrow(
      new RegExp(
        `^environments\\.${long}: the name is too long to shard: the service name of stack ${long}-shard-0 would be cut to "keyplane-${long}-"`
      )
    );
  });

  test('each shard keeps its own state file or S3 key', () => {
    expect(shardStateKey('prod.tfstate', { index: 2, count: 3 })).toBe('prod.shard-2.tfstate');
    expect(shardStateKey('keyplane/prod', { index: 0, count: 3 })).toBe('keyplane/prod.shard-0');
    expect(shardStateKey('prod.tfstate', { index: 0, count: 1 })).toBe('prod.tfstate');
  });
});

describe('the sharded platform app', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-shards-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const stackJson = (stackId: string): SynthJson & { terraform: { backend: unknown } } =>
    JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stackId, 'cdk.tf.json'), 'utf8'));

  test('writes one full rotation service per shard, each with its consumers and its own plans', () => {
    const shards = synthPlatformApp(
      config(names(40), {
        shards: 3,
        backend: { s3: { bucket: 'b', key: 'prod.tfstate', region: 'eu-west-1' } },
      }),
      { outdir }
    );
    expect(shards.map((s) => s.stackId)).toEqual(['prod-shard-0', 'prod-shard-1', 'prod-shard-2']);
    for (const shard of shards) {
      const json = stackJson(shard.stackId);
      const service = `keyplane-${shard.stackId}`;
      expect(resourcesOf(json, 'aws_lambda_function').map((f) => f.function_name)).toEqual([
        `${service}-rotation`,
      ]);
      expect(resourcesOf(json, 'aws_api_gateway_usage_plan').map((p) => p.name)).toEqual([
        `${service}-gold`,
      ]);
      expect(
        resourcesOf(json, 'aws_secretsmanager_secret')
          .map((s) => s.name)
          .sort()
      ).toEqual(shard.consumers.map((c) => `keyplane/${shard.stackId}/${c}`).sort());
      expect(json.terraform.backend).toEqual({
        s3: expect.objectContaining({ key: `prod.shard-${shard.index}.tfstate` }),
      });
    }
    expect(shards.flatMap((s) => s.consumers).sort()).toEqual(names(40));
  });

  test("the capacity budget counts a region's keys over all its shards", () => {
    // rate(4 hours), 3h grace, 7d retention, 1h sweep: 1 + ceil(172h / 4h) = 44 keys each
    // (caps raised so that the schedule, not maxLiveKeys + maxRetainedKeys + 1, bounds them).
    const consumer = { schedule: 'rate(4 hours)', gracePeriod: '3h', maxRetainedKeys: 100 };
    // 240 consumers: 10,560 keys in the region, each shard about half of it.
    expect(() => synthPlatformApp(config(names(240), { shards: 2 }, consumer), { outdir })).toThrow(
      /may hold up to 10560 API keys at once .*against API Gateway's default quota of 10000 per region/
    );
  });
});
