/**
 * The local emulator `keyplane local start` (or the checkout's `npm start`) left running in a
 * project: recorded in <project>/.keyplane/local-aws/state.json. The CLI uses it only when
 * asked (`--local`), and looks only in the current folder, never above it.
 */
import * as fs from 'fs';
import { answers, localAwsPaths } from '../local/local-aws';

/** A recorded emulator that answers. */
export interface LocalEmulator {
  readonly endpoint: string;
  /** The state file it was found in. */
  readonly stateFile: string;
}

/** How long the emulator gets to answer before it is taken as gone. */
const PROBE_TIMEOUT_MS = 1500;

/**
 * The emulator recorded in `projectDir`'s .keyplane/local-aws/state.json, if it answers
 * moto's /moto-api/config; otherwise an error that says how to start one.
 */
export async function recordedLocalEmulator(projectDir: string): Promise<LocalEmulator> {
  const { stateFile } = localAwsPaths(projectDir);
  let endpoint: unknown;
  try {
    endpoint = JSON.parse(fs.readFileSync(stateFile, 'utf8')).endpoint;
  } catch {
    throw new Error(
      `--local: no local emulator recorded in ${stateFile}; start one in this folder with ` +
        `"npx keyplane local start", or set KEYPLANE_AWS_ENDPOINT`
    );
  }
  if (typeof endpoint !== 'string' || !(await answers(endpoint, PROBE_TIMEOUT_MS)))
    throw new Error(
      `--local: the emulator recorded in ${stateFile} (${String(endpoint)}) does not answer; ` +
        `start it again with "npx keyplane local start"`
    );
  return { endpoint, stateFile };
}
