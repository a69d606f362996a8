/**
 * The local emulator a project's `npm start` left running: scripts/local-aws records it in
 * .keyplane/local-aws/state.json. The CLI uses it by default when it answers, so that
 * `npx keyplane status` after `npm start` shows the local deployment.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where scripts/local-aws records the running emulator, relative to the project root. */
export const LOCAL_AWS_STATE_FILE = path.join('.keyplane', 'local-aws', 'state.json');

/** A recorded emulator that answers. */
export interface LocalEmulator {
  readonly endpoint: string;
  /** The state file it was found in. */
  readonly stateFile: string;
}

/** How long the emulator gets to answer before it is taken as gone. */
const PROBE_TIMEOUT_MS = 1500;

/**
 * The emulator recorded by the nearest project at or above `cwd`, if it answers moto's
 * /moto-api/config; undefined when there is none or it is not running.
 */
export async function findLocalEmulator(cwd: string): Promise<LocalEmulator | undefined> {
  const stateFile = nearestStateFile(cwd);
  if (stateFile === undefined) return undefined;
  let endpoint: unknown;
  try {
    endpoint = JSON.parse(fs.readFileSync(stateFile, 'utf8')).endpoint;
  } catch {
    return undefined;
  }
  if (typeof endpoint !== 'string' || !(await answers(endpoint))) return undefined;
  return { endpoint, stateFile };
}

function nearestStateFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, LOCAL_AWS_STATE_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/config`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return res.ok;
  } catch {
    return false;
  }
}
