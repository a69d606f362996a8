/**
 * The Node.js the local function runs on: the major of the Lambda runtime the constructs
 * deploy (nodejs22.x). The machine's own node when it is that major; otherwise the exact
 * version pinned in emulator/node.json, installed on first use from the npm registry package
 * `node-<platform>-<arch>` into the project's .keyplane/node22/ (as moto goes into
 * .keyplane/venv). Only npm is needed, no system package manager.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { emulatorAsset } from './emulator-assets';

/** The Node major of Lambda's nodejs22.x runtime. */
const LAMBDA_NODE_MAJOR = 22;

/** The pinned version (emulator/node.json), e.g. "22.23.5". */
function pinnedNodeVersion(): string {
  const { version } = JSON.parse(fs.readFileSync(emulatorAsset('node.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

/** The registry package that carries a Node binary for this machine. */
function nodePackage(): string {
  return `node-${process.platform}-${process.arch}`;
}

/** Where the pinned Node is installed for the project in `projectDir`. */
function installedNodeBinary(projectDir: string): string {
  const bin = process.platform === 'win32' ? 'node.exe' : path.join('bin', 'node');
  return path.join(projectDir, '.keyplane', 'node22', 'node_modules', nodePackage(), bin);
}

function versionOf(node: string): string | undefined {
  const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined;
}

/**
 * A Node binary of major {@link LAMBDA_NODE_MAJOR}: `node` on PATH when it is one, else the
 * pinned one under the project's .keyplane/node22/, installed with npm first if missing or of
 * another version. `log` gets one line before an install.
 */
export function ensureLambdaNode(projectDir: string, log: (line: string) => void): string {
  if (versionOf('node')?.split('.')[0] === String(LAMBDA_NODE_MAJOR)) return 'node';
  const version = pinnedNodeVersion();
  const binary = installedNodeBinary(projectDir);
  if (versionOf(binary) === version) return binary;
  const prefix = path.join(projectDir, '.keyplane', 'node22');
  const spec = `${nodePackage()}@${version}`;
  log(`node on PATH is not Node ${LAMBDA_NODE_MAJOR}: installing ${spec} into ${prefix}`);
  fs.mkdirSync(prefix, { recursive: true });
  try {
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', spec],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`npm install ${spec} into ${prefix} failed: ${stderr.slice(-800)}`);
  }
  if (versionOf(binary) !== version)
    throw new Error(`${binary} is not Node ${version} after npm install ${spec}`);
  return binary;
}
