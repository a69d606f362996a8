/**
 * Bundles each Lambda under lambdas/ into one minified file under dist/lambda-bundles/.
 *
 * The AWS SDK v3 is bundled, not taken from the nodejs22.x runtime: the function then runs
 * the exact SDK version (and retry behaviour) the tests ran, and the same bundle runs under
 * the local emulator's plain Node, which has no SDK of its own. esbuild tree-shakes it.
 */
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS = ['rotation'];

for (const name of FUNCTIONS) {
  buildSync({
    entryPoints: [path.join(ROOT, 'lambdas', name, 'index.ts')],
    outfile: path.join(ROOT, 'dist', 'lambda-bundles', name, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
