/**
 * Prepares what the measured child processes run, so no run pays for TypeScript compilation:
 *
 * - `npm run build:lambda`: the rotation bundle, from whatever lambdas/rotation holds now;
 * - that bundle and its zip copied to build/lambda-bundles/, where the bundled constructs look
 *   for them;
 * - the synth child bundled with esbuild (node_modules stay external and load from there,
 *   as they would in a user's project).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import {
  BUILD_DIR,
  BUILD_LAMBDA_BUNDLE,
  BUILD_LAMBDA_ZIP,
  PROJECT_LAMBDA_BUNDLE,
  PROJECT_LAMBDA_ZIP,
  ROOT,
  SYNTH_CHILD,
} from './paths';

export function buildBench(): void {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  execFileSync('npm', ['run', '--silent', 'build:lambda'], { cwd: ROOT, stdio: 'inherit' });
  fs.cpSync(PROJECT_LAMBDA_BUNDLE, BUILD_LAMBDA_BUNDLE, { recursive: true });
  fs.copyFileSync(PROJECT_LAMBDA_ZIP, BUILD_LAMBDA_ZIP);
  buildSync({
    entryPoints: [path.join(ROOT, 'bench', 'synth-child.ts')],
    outfile: SYNTH_CHILD,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
}
