/**
 * What `npm pack` ships, pinned: the files an installing team gets and nothing else (no
 * sources, tests, unpacked function code or source maps), and README links that resolve
 * inside the package (the registry page has no repository to resolve them against).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

interface PackEntry {
  readonly path: string;
  readonly size: number;
}

/** `npm pack --dry-run --json` of the checkout (dist/ is built by the jest globalSetup). */
function packedFiles(): { files: string[]; unpackedSize: number } {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(out) as { files: PackEntry[]; unpackedSize: number }[];
  return { files: pack.files.map((f) => f.path).sort(), unpackedSize: pack.unpackedSize };
}

const { files, unpackedSize } = packedFiles();
const sourcesOf = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));

describe('npm pack', () => {
  test('ships exactly these files besides the compiled library', () => {
    expect(files.filter((f) => !/^dist\/(cdktn|cli|constructs|contract|local)\//.test(f))).toEqual([
      'LICENSE',
      'README.md',
      'dist/lambda-bundles/rotation.zip',
      'docs/cdktn.md',
      'docs/cli.md',
      'docs/configuration.md',
      'docs/keyplane.config.schema.json',
      'docs/migration.md',
      'docs/trust.md',
      'local/README.md',
      'local/emulator/launcher.py',
      'local/emulator/moto_patches/__init__.py',
      'local/emulator/moto_patches/apigateway.py',
      'local/emulator/moto_patches/apigateway_usage.py',
      'local/emulator/moto_patches/secretsmanager_lambda.py',
      'local/emulator/node-runtime.cjs',
      'local/emulator/node.json',
      'local/emulator/requirements.txt',
      'package.json',
    ]);
  });

  test.each(['cli', 'constructs', 'contract', 'local'])(
    'ships dist/%s as one .js and one .d.ts per source file, and nothing else',
    (dir) => {
      const expected = sourcesOf(dir)
        .flatMap((name) => [`dist/${dir}/${name}.d.ts`, `dist/${dir}/${name}.js`])
        .sort();
      expect(files.filter((f) => f.startsWith(`dist/${dir}/`))).toEqual(expected);
    }
  );

  test('ships dist/cdktn as constructs/ and contract/ compiled once more, file for file', () => {
    const expected = ['constructs', 'contract']
      .flatMap((dir) =>
        sourcesOf(dir).flatMap((name) => [
          `dist/cdktn/${dir}/${name}.d.ts`,
          `dist/cdktn/${dir}/${name}.js`,
        ])
      )
      .sort();
    expect(files.filter((f) => f.startsWith('dist/cdktn/'))).toEqual(expected);
  });

  test('ships the function once, as the zip the constructs deploy, and no source map beside it', () => {
    expect(files.filter((f) => /lambda|rotation/.test(f) && f.startsWith('dist/lambda'))).toEqual([
      'dist/lambda-bundles/rotation.zip',
    ]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    // 1,410 kB with both flavours and the docs (the function's zip is 487 kB of it); a shipped
    // source map (about 1 MB) or unpacked bundle would still cross this.
    expect(unpackedSize).toBeLessThan(1_700_000);
  });

  test('has an exports map whose every entry has types, and no install-time build', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (entry === './package.json') continue;
      const { types, default: main } = target as { types: string; default: string };
      expect(files).toContain(path.normalize(types));
      expect(files).toContain(path.normalize(main));
    }
    expect(files).toContain(path.normalize(pkg.bin.keyplane));
    expect(pkg.scripts).not.toHaveProperty('prepare');
    expect(pkg.scripts).not.toHaveProperty('install');
    expect(pkg.scripts).not.toHaveProperty('postinstall');
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/
    );
  });

  test.each(['README.md', 'docs/cli.md', 'docs/migration.md', 'local/README.md'])(
    'every relative link in %s resolves to a shipped file',
    (doc) => {
      const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
      const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/.test(target));
      const unresolved = links.filter(
        (target) => !files.includes(path.normalize(path.join(path.dirname(doc), target)))
      );
      expect(unresolved).toEqual([]);
    }
  );
});
