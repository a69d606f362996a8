import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs main.ts on a config; returns its exit code and stderr. */
function synth(config: unknown): { status: number | null; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-main-'));
  const file = path.join(dir, 'keyplane.config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const result = spawnSync(TSX, [path.join(ROOT, 'main.ts')], {
    cwd: dir,
    env: { ...process.env, KEYPLANE_CONFIG: file, CDKTF_OUTDIR: path.join(dir, 'out') },
    encoding: 'utf8',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr };
}

const demoStage = { api: 'demo' };
function environment(consumers: Record<string, unknown>) {
  return {
    environments: {
      dev: {
        region: 'us-east-1',
        demoApi: { name: 'demo', stageName: 'v1' },
        usagePlans: { free: { apiStages: [demoStage] }, gold: { apiStages: [demoStage] } },
        consumers,
      },
    },
  };
}

describe('main.ts', () => {
  test('prints a construct error without a stack trace and exits 1', () => {
    // Both plans cover the demo API's stage, given as cdktf resources.
    const { status, stderr } = synth(environment({ acme: { plans: ['free', 'gold'] } }));
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^ {2}environments\.dev\.consumers\.acme: usagePlans dev\/usagePlans\/free and dev\/usagePlans\/gold both cover API dev\/demoApi\/\S+ stage v1/m
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('prints a rule of the rotation function without a stack trace and exits 1', () => {
    const { status, stderr } = synth(
      environment({ acme: { plans: ['free'], gracePeriod: '400d', schedule: 'rate(999 days)' } })
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /environments\.dev\.consumers\.acme\.gracePeriod: must be at most 365d \(the rotation function's limit\), got "400d"/
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('prints a config error without a stack trace and exits 1', () => {
    const config = environment({});
    config.environments.dev.region = 'eu-west-4';
    const { status, stderr } = synth(config);
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /environments\.dev\.region: must be an AWS region such as "us-east-1", got "eu-west-4"/
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
