/**
 * A two-region environment (test/support/multi-region-config.ts), synthesized by main.ts as
 * `cdktf synth` runs it: the plan of the further region is made through an aliased provider,
 * the secret is replicated there, and the real AWS provider accepts the stack.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FURTHER_REGION, multiRegionConfig } from '../support/multi-region-config';
import { resourcesOf, type SynthJson } from '../support/stack';
import { terraformValidate } from '../support/terraform';

const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-regions-'));
const outdir = path.join(work, 'out');
const stackDir = path.join(outdir, 'stacks', 'regions');

describe('a consumer in two regions', () => {
  let json: SynthJson & { provider: { aws: Record<string, unknown>[] } };

  beforeAll(() => {
    const config = path.join(work, 'keyplane.config.json');
    fs.writeFileSync(config, JSON.stringify(multiRegionConfig('regions', 'state.tfstate')));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'main.ts')], {
      cwd: work,
      env: { ...process.env, KEYPLANE_CONFIG: config, CDKTF_OUTDIR: outdir },
      stdio: 'pipe',
    });
    json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  }, 120_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the further region has its provider, its plan and a replica of the secret', () => {
    expect(json.provider.aws.map((p) => p.alias ?? 'default')).toEqual(['default', FURTHER_REGION]);
    const plans = resourcesOf(json, 'aws_api_gateway_usage_plan');
    expect(plans.map((p) => [p.name, p.provider])).toEqual([
      ['keyplane-regions-gold', undefined],
      ['keyplane-regions-goldeu', `aws.${FURTHER_REGION}`],
    ]);
    const [secret] = resourcesOf(json, 'aws_secretsmanager_secret');
    expect(secret.replica).toEqual([{ region: FURTHER_REGION }]);
  });

  test('terraform validate passes', () => {
    expect(terraformValidate(stackDir)).toMatchObject({ valid: true, error_count: 0 });
  }, 120_000);
});
