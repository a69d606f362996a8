/**
 * Bundles each Lambda under lambdas/ into one minified file under dist/lambda-bundles/.
 *
 * The AWS SDK v3 is bundled, not taken from the nodejs22.x runtime: the function then runs
 * the exact SDK version (and retry behaviour) the tests ran, and the same bundle runs under
 * the local emulator's plain Node, which has no SDK of its own. esbuild tree-shakes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS = ['rotation'];

for (const name of FUNCTIONS) {
  const result = buildSync({
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
    write: false,
  });
  // Written by rename, so a synth running at the same time never zips a half-written file,
  // and only when the bytes change: the zip cdktf makes records file times, and a new time
  // would change the Lambda's code hash and redeploy it on every `cdktf deploy`.
  for (const file of result.outputFiles) {
    if (fs.existsSync(file.path) && Buffer.from(file.contents).equals(fs.readFileSync(file.path)))
      continue;
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
}
