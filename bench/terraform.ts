/**
 * Terraform in a synthesized stack folder, with the AWS provider from the machine's mirror and
 * the provider's endpoints pointed at a local emulator through an override file (so the
 * synthesized cdk.tf.json itself stays as synth wrote it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { terraformEnv } from '../scripts/terraform-mirror';
import { endpointsFor } from './apps/offline-provider';
import { measure, Measured } from './child-process';

const OVERRIDE_FILE = 'bench_override.tf.json';

/** Points every endpoint at `endpoint`; Terraform merges *_override.tf.json over cdk.tf.json. */
export function pointProviderAt(stackDir: string, endpoint: string): void {
  const override = { provider: { aws: [{ endpoints: [endpointsFor(endpoint)] }] } };
  fs.writeFileSync(path.join(stackDir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
}

/** `terraform init` (provider from the mirror); returns its wall time. */
export function terraformInit(stackDir: string): number {
  const started = Date.now();
  execFileSync('terraform', ['init', '-input=false', '-no-color'], {
    cwd: stackDir,
    env: terraformEnv(),
    stdio: 'pipe',
  });
  return Date.now() - started;
}

/** Runs one Terraform command in the stack folder as a measured child process. */
export function terraform(stackDir: string, args: string[]): Measured {
  // Dummy credentials for the platform app's stacks, whose provider carries none (moto takes any).
  const env = { ...terraformEnv(), AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
  return measure('terraform', [...args, '-no-color'], { cwd: stackDir, env });
}

/** The "Plan: N to add, ..." counts of a plan's output. */
export function planCounts(stdout: string): { add: number; change: number; destroy: number } {
  const match = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(stdout);
  if (!match) throw new Error(`no "Plan:" line in terraform output:\n${stdout.slice(-2000)}`);
  return { add: Number(match[1]), change: Number(match[2]), destroy: Number(match[3]) };
}
