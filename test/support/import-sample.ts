import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Packages the sample itself uses, besides keyplane. */
const SAMPLE_PACKAGES = ['cdktf', 'constructs', '@cdktf/provider-aws', '@types/node'];

/** The TypeScript sample under "Using the constructs from another stack" in the README. */
export function readmeImportSample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /```ts\n(\/\/ import-sample\.ts\n[\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block starting with "// import-sample.ts"');
  return match[1];
}

/**
 * Lays out another team's project in `dir`: keyplane installed from the tarball `npm pack`
 * makes (so only the published files are there), the README's sample as main.ts, compiled
 * with tsc. Returns the compiled entry point.
 */
export function buildImportSample(dir: string): string {
  fs.mkdirSync(path.join(dir, 'node_modules', '@cdktf'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
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
  for (const pkg of new Set([...SAMPLE_PACKAGES, ...declared])) {
    const link = path.join(dir, 'node_modules', pkg);
    fs.mkdirSync(path.dirname(link), { recursive: true }); // a scope folder such as @aws-sdk
    fs.symlinkSync(path.join(ROOT, 'node_modules', pkg), link);
  }
  fs.writeFileSync(path.join(dir, 'main.ts'), readmeImportSample());
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
