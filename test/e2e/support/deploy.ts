import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cdktfMirrorFlags, terraformEnv } from '../../../scripts/terraform-mirror';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');

/** Output of a cdktf run, kept for the leak scan and for failure messages. */
export const cdktfOutputs: string[] = [];

/**
 * Runs `cdktf <command> <stacks>` (deploy and destroy with --auto-approve; diff is the plan) in
 * `cwd` against the local AWS (whose environment the e2e globalSetup put in process.env), the
 * provider from the mirror. Its output is kept for the leak scan.
 */
export function cdktf(
  command: 'deploy' | 'destroy' | 'diff',
  stacks: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; outdir: string }
): void {
  const run = spawnSync(
    CDKTF,
    [
      command,
      ...stacks,
      ...(command === 'diff' ? [] : ['--auto-approve']),
      '--output',
      options.outdir,
      ...cdktfMirrorFlags(),
    ],
    {
      cwd: options.cwd ?? ROOT,
      env: { ...terraformEnv(), ...options.env, CI: 'true' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }
  );
  const output = `${run.stdout}\n${run.stderr}`;
  cdktfOutputs.push(output);
  if (run.status !== 0)
    throw new Error(
      `cdktf ${command} ${stacks.join(' ')} failed (exit ${run.status}):\n${output.slice(-4000)}`
    );
}

/** Files (and captured outputs) that contain any of `values`; never returns the values. */
export function leaks(
  values: ReadonlySet<string>,
  files: string[],
  outputs: string[] = []
): string[] {
  const found: string[] = [];
  const check = (name: string, text: string) => {
    for (const value of values) if (text.includes(value)) return found.push(name);
    return 0;
  };
  for (const file of files) check(file, fs.readFileSync(file, 'latin1'));
  outputs.forEach((text, i) => check(`captured output #${i}`, text));
  return found;
}
