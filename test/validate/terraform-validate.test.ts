import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { terraformEnv } from '../../scripts/terraform-mirror';
import { filesUnder } from '../support/files';
import { buildImportSample } from '../support/import-sample';
import { terraformValidate } from '../support/terraform';

/**
 * The validate tier: the example app (through the cdktf CLI) and the README's import sample
 * (as another team would build it, from the packed npm package) synthesize, and the real AWS
 * provider accepts every stack.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-validate-'));

function stacksIn(outdir: string): string[] {
  const stacks = path.join(outdir, 'stacks');
  return fs.readdirSync(stacks).map((name) => path.join(stacks, name));
}

describe('validate tier', () => {
  const exampleOut = path.join(work, 'example');
  const sampleDir = path.join(work, 'sample');
  const sampleOut = path.join(sampleDir, 'cdktf.out');

  beforeAll(() => {
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'cdktf'),
      ['synth', '--output', exampleOut],
      { cwd: ROOT, env: terraformEnv(), stdio: 'pipe' }
    );
    fs.mkdirSync(sampleDir);
    const entry = buildImportSample(sampleDir);
    execFileSync('node', [entry], {
      cwd: sampleDir,
      env: { ...process.env, CDKTF_OUTDIR: sampleOut },
      stdio: 'pipe',
    });
  }, 240_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('cdktf synth writes one stack per environment of the example config', () => {
    const environments = Object.keys(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'keyplane.config.json'), 'utf8')).environments
    );
    expect(
      stacksIn(exampleOut)
        .map((dir) => path.basename(dir))
        .sort()
    ).toEqual(environments.sort());
  });

  test('terraform validate passes on every stack of the example app', () => {
    for (const stack of stacksIn(exampleOut)) {
      const result = terraformValidate(stack);
      expect({ stack: path.basename(stack), ...result }).toMatchObject({
        valid: true,
        error_count: 0,
      });
    }
  }, 120_000);

  test('the README import sample, built from the packed package, synthesizes and validates', () => {
    const [stack] = stacksIn(sampleOut);
    expect(path.basename(stack)).toBe('orders-keys');
    const json = JSON.parse(fs.readFileSync(path.join(stack, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.aws_secretsmanager_secret)).toHaveLength(2);
    expect(Object.keys(json.resource.aws_api_gateway_usage_plan)).toHaveLength(2);
    expect(terraformValidate(stack)).toMatchObject({ valid: true, error_count: 0 });
  }, 120_000);

  test('the packed package carries the prebuilt Lambda bundle and no sources or tests', () => {
    const files = filesUnder(path.join(sampleDir, 'node_modules', 'keyplane')).map((f) =>
      path.relative(path.join(sampleDir, 'node_modules', 'keyplane'), f)
    );
    expect(files).toContain('dist/lambda-bundles/rotation.zip');
    expect(files).toContain('dist/constructs/index.d.ts');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('test/') || f.includes('lambdas/'))).toEqual([]);
  });

  test('no synthesized file declares an API key or holds anything but placeholder secret values', () => {
    for (const file of [...filesUnder(exampleOut), ...filesUnder(sampleOut)].filter((f) =>
      f.endsWith('.tf.json')
    )) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.toMatch(/aws_api_gateway_api_key|aws_api_gateway_usage_plan_key/);
      const versions = Object.values(
        JSON.parse(text).resource.aws_secretsmanager_secret_version ?? {}
      ) as { secret_string: string }[];
      for (const version of versions)
        expect(JSON.parse(version.secret_string)).toMatchObject({ bootstrap: true });
    }
  });
});
