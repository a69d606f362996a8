/**
 * Bundles each Lambda under lambdas/ into one minified file under dist/lambda-bundles/<name>/,
 * and zips that folder into dist/lambda-bundles/<name>.zip, the file the constructs deploy.
 *
 * The AWS SDK v3 is bundled, not taken from the nodejs22.x runtime: the function then runs
 * the exact SDK version (and retry behaviour) the tests ran, and the same bundle runs under
 * the local emulator's plain Node, which has no SDK of its own. esbuild tree-shakes it.
 *
 * Only the zip ships in the npm package (the function's code once). It holds the source map
 * deliberately: the function runs with NODE_OPTIONS=--enable-source-maps, so stack traces in
 * its logs name the TypeScript files and lines. The unpacked folder beside it is for this
 * checkout's tests and benchmarks, which load the bundle in process.
 *
 * The zip is made here, once, rather than by cdktf on every synth (an AssetType.ARCHIVE
 * spawns a node process that deflates the folder: about a second per synth). Its bytes
 * depend only on the files' bytes (fixed entry times, fixed order), so the Lambda's code hash
 * is the same on every machine and only changes when the code does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
// fflate: a small, dependency-free zip writer whose entry times can be fixed (deterministic zips).
import { zipSync } from 'fflate';

const ROOT = path.resolve(__dirname, '..');
const BUNDLES = path.join(ROOT, 'dist', 'lambda-bundles');
const FUNCTIONS = ['rotation'];
/** Every zip entry's time, in local time as zip stores it: the zip format's earliest date. */
const ENTRY_TIME = new Date(1980, 0, 1);

/**
 * Writes by rename, so a synth running at the same time never reads a half-written file, and
 * only when the bytes change, so the file's time moves only with its content.
 */
function writeIfChanged(file: string, contents: Uint8Array): void {
  if (fs.existsSync(file) && Buffer.from(contents).equals(fs.readFileSync(file))) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, contents);
  fs.renameSync(partial, file);
}

for (const name of FUNCTIONS) {
  const result = buildSync({
    entryPoints: [path.join(ROOT, 'lambdas', name, 'index.ts')],
    outfile: path.join(BUNDLES, name, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  const files = [...result.outputFiles].sort((a, b) => a.path.localeCompare(b.path));
  for (const file of files) writeIfChanged(file.path, file.contents);
  const zip = zipSync(
    Object.fromEntries(
      files.map((file) => [path.basename(file.path), [file.contents, { mtime: ENTRY_TIME }]])
    ),
    { level: 9 }
  );
  writeIfChanged(path.join(BUNDLES, `${name}.zip`), zip);
}
