/**
 * The installed keyplane's version, from its own package.json: one folder up from the sources
 * in a checkout (cli/), two from the compiled package (dist/cli/).
 */
import * as fs from 'fs';
import * as path from 'path';

export function keyplaneVersion(): string {
  for (const up of ['..', path.join('..', '..')]) {
    const file = path.join(__dirname, up, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'keyplane' && pkg.version) return pkg.version;
  }
  throw new Error(`keyplane: no package.json of keyplane above ${__dirname}`);
}
