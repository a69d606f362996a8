import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { ensureLambdaNode } from '../../local/node22';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The Node binary a cdktn app runs on here: the project's Node 22 (node on PATH when it is
 * Node 22, else the pinned one local/node22.ts installs into .keyplane/node22), checked against
 * the range @cdktn/provider-aws supports (its `engines.node`, ">= 22.11.0").
 */
export function cdktnNode(): string {
  const node = ensureLambdaNode(ROOT, () => undefined);
  const manifest = path.join(ROOT, 'node_modules', '@cdktn', 'provider-aws', 'package.json');
  const range: string = JSON.parse(fs.readFileSync(manifest, 'utf8')).engines.node;
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!semver.satisfies(version, range)) {
    throw new Error(`${node} is Node ${version}; @cdktn/provider-aws supports Node ${range}`);
  }
  return node;
}
