/**
 * Part 4, the rotation Lambda: size and cold start of the bundle `npm run build:lambda` makes
 * (minified, tree-shaken, source map beside it) against the same handler bundled naively.
 *
 * The naive baseline is what esbuild gives with tree-shaking and minification off and only the
 * `main` field resolved: every SDK package comes in as its whole CommonJS build (all commands
 * of both clients, every middleware and their dependencies), unminified, as a project that
 * "just bundles" the SDK v3 would ship it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { measure } from './child-process';
import type { ColdInitResult } from './cold-init-child';
import { BUILD_LAMBDA_BUNDLE, COLD_INIT_CHILD, NAIVE_LAMBDA_BUNDLE, ROOT, WORK_DIR } from './paths';
import { median, Summary, summarize } from './stats';

export const BUNDLE_KINDS = ['keyplane', 'naive'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

export interface LambdaMeasure {
  readonly bundle: BundleKind;
  /** index.js as built. */
  readonly rawBytes: number;
  /** index.js alone, zipped (deflate, zip's default level). */
  readonly zippedBytes: number;
  /** The whole folder as deployed (index.js and its source map), zipped. */
  readonly deployZipBytes: number;
  /** Fresh process: require() + first invocation's set-up. */
  readonly coldInitMs: Summary;
  readonly requireMs: number;
  readonly firstInvocationMs: number;
  /** Whole process, from outside. */
  readonly processWallMs: number;
  readonly peakRssMiB: number;
}

/** The same entry point, bundled without minification or tree-shaking. */
export function buildNaiveBundle(): void {
  fs.rmSync(NAIVE_LAMBDA_BUNDLE, { recursive: true, force: true });
  buildSync({
    entryPoints: [path.join(ROOT, 'lambdas', 'rotation', 'index.ts')],
    outfile: path.join(NAIVE_LAMBDA_BUNDLE, 'index.js'),
    bundle: true,
    minify: false,
    treeShaking: false,
    mainFields: ['main'],
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
}

function zipSize(dir: string, files: string[]): number {
  const zip = path.join(
    WORK_DIR,
    'lambda',
    `${path.basename(path.dirname(dir))}-${files.length}.zip`
  );
  fs.mkdirSync(path.dirname(zip), { recursive: true });
  fs.rmSync(zip, { force: true });
  execFileSync('zip', ['-q', '-X', zip, ...files], { cwd: dir });
  return fs.statSync(zip).size;
}

export function runLambda(runs: number, log: (line: string) => void): LambdaMeasure[] {
  buildNaiveBundle();
  const dirs: Record<BundleKind, string> = {
    keyplane: BUILD_LAMBDA_BUNDLE,
    naive: NAIVE_LAMBDA_BUNDLE,
  };
  const samples: Record<BundleKind, { child: ColdInitResult; wallMs: number; rssKiB: number }[]> = {
    keyplane: [],
    naive: [],
  };
  const resultFile = path.join(WORK_DIR, 'lambda', 'cold-init.json');
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? BUNDLE_KINDS : [...BUNDLE_KINDS].reverse();
    for (const bundle of order) {
      const measured = measure(process.execPath, [
        COLD_INIT_CHILD,
        path.join(dirs[bundle], 'index.js'),
        resultFile,
      ]);
      const child = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ColdInitResult;
      samples[bundle].push({
        child,
        wallMs: measured.wallMs,
        rssKiB: measured.maxRssKiB ?? child.maxRssKiB,
      });
    }
  }
  return BUNDLE_KINDS.map((bundle) => {
    const dir = dirs[bundle];
    const s = samples[bundle];
    const result: LambdaMeasure = {
      bundle,
      rawBytes: fs.statSync(path.join(dir, 'index.js')).size,
      zippedBytes: zipSize(dir, ['index.js']),
      deployZipBytes: zipSize(dir, fs.readdirSync(dir)),
      coldInitMs: summarize(s.map((x) => x.child.requireMs + x.child.firstInvocationMs)),
      requireMs: median(s.map((x) => x.child.requireMs)),
      firstInvocationMs: median(s.map((x) => x.child.firstInvocationMs)),
      processWallMs: median(s.map((x) => x.wallMs)),
      peakRssMiB: median(s.map((x) => x.rssKiB)) / 1024,
    };
    log(
      `lambda ${bundle}: ${result.rawBytes} B raw, ${result.zippedBytes} B zipped, cold init ${Math.round(result.coldInitMs.median)} ms`
    );
    return result;
  });
}
