import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_CONSUMERS_PER_SHARD } from '../../app/shards';
import {
  CONSUMERS_PER_REGION,
  regionConfig,
  REGIONS,
  SHARDS_PER_REGION,
} from '../../bench/apps/region-config';
import { resourcesOf, SynthJson } from '../support/stack';
import { terraformValidate } from '../support/terraform';

/**
 * The platform app at two regions' ceiling: 10,000 consumers, 5,000 a region, synthesized by
 * main.ts as `cdktf synth` runs it, sharded into 14 stacks; Terraform accepts a shard. (The
 * bench times the same synth against its 15 s target; a test on a shared CI machine does not.)
 */
const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-sharded-'));
const outdir = path.join(work, 'out');

const stackJson = (stackId: string): SynthJson =>
  JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stackId, 'cdk.tf.json'), 'utf8'));

describe('the sharded 10,000-consumer, two-region app', () => {
  beforeAll(() => {
    const config = path.join(work, 'keyplane.config.json');
    fs.writeFileSync(config, JSON.stringify(regionConfig()));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'main.ts')], {
      cwd: work,
      env: { ...process.env, KEYPLANE_CONFIG: config, CDKTF_OUTDIR: outdir },
      stdio: 'pipe',
    });
  }, 180_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('synthesizes 7 shards a region, each a rotation service of at most 1,000 consumers', () => {
    const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    expect(stacks).toEqual(
      REGIONS.flatMap((region) =>
        Array.from({ length: SHARDS_PER_REGION }, (_, i) => `${region}-shard-${i}`)
      ).sort()
    );
    const secrets = new Set<string>();
    for (const stack of stacks) {
      const json = stackJson(stack);
      const names = resourcesOf(json, 'aws_secretsmanager_secret').map((s) => s.name as string);
      expect(names.length).toBeGreaterThan(0);
      expect(names.length).toBeLessThanOrEqual(MAX_CONSUMERS_PER_SHARD);
      for (const name of names) secrets.add(name);
      expect(resourcesOf(json, 'aws_lambda_function')).toHaveLength(1);
    }
    expect(secrets.size).toBe(REGIONS.length * CONSUMERS_PER_REGION);
  });

  test('terraform validate passes on a shard', () => {
    const result = terraformValidate(path.join(outdir, 'stacks', `${REGIONS[0]}-shard-0`));
    expect(result).toMatchObject({ valid: true, error_count: 0 });
  }, 180_000);
});
