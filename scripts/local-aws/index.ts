/**
 * This checkout's local AWS: the shipped emulator (local/local-aws.ts) bound to the
 * repository root, so its state, venv and logs are under .keyplane/ here. Used by `npm start`,
 * the e2e and fault tests and the benchmarks. From a shell: `npx keyplane local start|env|stop`.
 */
import * as path from 'path';
import {
  localAwsPaths,
  runningLocalAws as runningIn,
  startLocalAws as startIn,
  type LocalAws,
  type LocalAwsState,
  type StartOptions,
} from '../../local/local-aws';

export { localAwsEnv, type LocalAws, type StartOptions } from '../../local/local-aws';

const ROOT = path.resolve(__dirname, '..', '..');
const PATHS = localAwsPaths(ROOT);

export const KEYPLANE_DIR = PATHS.keyplaneDir;
/** Where the running server is recorded. */
export const STATE_FILE = PATHS.stateFile;
export const LAUNCHER_LOG = PATHS.launcherLog;
/** One file per Lambda function: <LAMBDA_LOG_DIR>/<function name>.log. */
export const LAMBDA_LOG_DIR = PATHS.lambdaLogDir;

/** A running local AWS for this checkout (see local/local-aws.ts startLocalAws). */
export function startLocalAws(options: StartOptions = {}): Promise<LocalAws> {
  return startIn(ROOT, options);
}

/** This checkout's running server, if it is alive and answers. */
export function runningLocalAws(): Promise<LocalAwsState | undefined> {
  return runningIn(ROOT);
}
