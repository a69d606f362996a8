import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** A framework keyplane is built for, as an importing project sees it. */
export interface Flavour {
  /** The packages the sample uses besides keyplane. */
  readonly packages: readonly string[];
  /** The README's (cdktf) sample rewritten for this flavour. */
  readonly source: (cdktfSample: string) => string;
}

/** CDK for Terraform: `keyplane` beside cdktf and @cdktf/provider-aws; the README's sample as is. */
export const CDKTF: Flavour = {
  packages: ['cdktf', 'constructs', '@cdktf/provider-aws', '@types/node'],
  source: (sample) => sample,
};

/** The import changes the README's migration note lists, from cdktf to CDK Terrain. */
const CDKTN_IMPORTS: readonly [string, string][] = [
  ["from 'cdktf'", "from 'cdktn'"],
  ["from '@cdktf/provider-aws/", "from '@cdktn/provider-aws/"],
  ["from 'keyplane'", "from 'keyplane/cdktn'"],
];

/**
 * CDK Terrain: `keyplane/cdktn` beside cdktn and @cdktn/provider-aws, and no cdktf package in
 * the project at all, so a cdktf import left anywhere in the flavour fails to resolve.
 */
export const CDKTN: Flavour = {
  packages: ['cdktn', 'constructs', '@cdktn/provider-aws', '@types/node'],
  source: (sample) => {
    const source = CDKTN_IMPORTS.reduce((text, [from, to]) => {
      if (!text.includes(from)) throw new Error(`the README import sample has no "${from}"`);
      return text.replaceAll(from, to);
    }, sample);
    const left = /.*cdktf.*/.exec(source);
    if (left) throw new Error(`the cdktn sample still names cdktf: ${left[0]}`);
    return source;
  },
};

/** The TypeScript sample under "Using the constructs from another stack" in the README. */
export function readmeImportSample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /```ts\n(\/\/ import-sample\.ts\n[\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block starting with "// import-sample.ts"');
  return match[1];
}

/** The import lines of the README's cdktn example ("On CDK Terrain"). */
export function readmeCdktnImports(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /apart from its imports:\n\n```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block after "apart from its imports:"');
  return match[1].trim().split('\n');
}

/**
 * Lays out another team's project in `dir`: keyplane installed from the tarball `npm pack`
 * makes (so only the published files are there), the README's sample in the given flavour as
 * main.ts, compiled with tsc. Returns the compiled entry point.
 */
export function buildImportSample(dir: string, flavour: Flavour = CDKTF): string {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const tarball = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir],
    { cwd: ROOT }
  )
    .toString()
    .trim()
    .split('\n')
    .pop()!;
  const unpacked = path.join(dir, 'node_modules', 'keyplane');
  fs.mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', unpacked, '--strip-components=1']);
  // Linked from this checkout, as npm would install them: the sample's packages and the
  // dependencies the packed package.json declares (one copy of each, shared).
  const declared = Object.keys(
    JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')).dependencies ?? {}
  );
  for (const pkg of new Set([...flavour.packages, ...declared])) {
    const link = path.join(dir, 'node_modules', pkg);
    fs.mkdirSync(path.dirname(link), { recursive: true }); // a scope folder such as @aws-sdk
    fs.symlinkSync(path.join(ROOT, 'node_modules', pkg), link);
  }
  fs.writeFileSync(path.join(dir, 'main.ts'), flavour.source(readmeImportSample()));
  execFileSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsc'),
    [
      '--strict',
      '--target',
      'es2022',
      '--module',
      'commonjs',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
      '--outDir',
      'out',
      'main.ts',
    ],
    { cwd: dir, stdio: 'pipe' }
  );
  return path.join(dir, 'out', 'main.js');
}
