import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * The constructs' API docs build without a warning (typedoc.json: treatWarningsAsErrors and
 * notDocumented), so an undocumented public member fails `npm test`, not only `npm run docs`.
 * Nothing is written: --emit none.
 */
const ROOT = path.resolve(__dirname, '..', '..');

test('TypeDoc documents every public member of the constructs without a warning', () => {
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--emit', 'none'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const output = `${run.stdout}${run.stderr}`;
  expect(output).not.toMatch(/\[warning\]|\[error\]/);
  expect(run.status).toBe(0);
}, 180_000);
