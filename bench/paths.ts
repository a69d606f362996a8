/** Where the bench reads and writes. Everything it writes is under bench/results (git-ignored). */
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
/** Compiled child scripts and the bundles they use; laid out like the npm package. */
export const BUILD_DIR = path.join(RESULTS_DIR, 'build');
/** Synth output and Terraform working folders. */
export const WORK_DIR = path.join(RESULTS_DIR, 'work');
export const README = path.join(ROOT, 'bench', 'README.md');
export const LATEST = path.join(RESULTS_DIR, 'latest.json');

/** The rotation bundle as `npm run build:lambda` writes it, and the zip the construct deploys. */
export const PROJECT_LAMBDA_BUNDLE = path.join(ROOT, 'dist', 'lambda-bundles', 'rotation');
export const PROJECT_LAMBDA_ZIP = `${PROJECT_LAMBDA_BUNDLE}.zip`;
/**
 * The copy the synth children package: the constructs look for lambda-bundles/ beside the
 * folder their code sits in (dist/constructs -> dist/lambda-bundles), here build/bin.
 */
export const BUILD_LAMBDA_BUNDLE = path.join(BUILD_DIR, 'lambda-bundles', 'rotation');
export const BUILD_LAMBDA_ZIP = `${BUILD_LAMBDA_BUNDLE}.zip`;
export const SYNTH_CHILD = path.join(BUILD_DIR, 'bin', 'synth-child.js');
