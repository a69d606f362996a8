/**
 * A local AWS for any cdktf project: moto server on 127.0.0.1, with Lambda functions that
 * really run (on Node 22, the major of the deployed nodejs22.x runtime).
 *
 * `startLocalAws(projectDir)` installs moto into the project's .keyplane/venv (once, and again
 * when emulator/requirements.txt changes), makes sure a Node 22 is at hand (node22.ts), starts
 * emulator/launcher.py detached on a free port, waits until it answers and records
 * {endpoint, pid, port} in .keyplane/local-aws/state.json. A server that is already running
 * (state file, live pid, answers) is reused. When KEYPLANE_AWS_ENDPOINT is set, that emulator
 * (moto or LocalStack) is used instead and nothing is started. Progress goes to stderr.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { emulatorAsset } from './emulator-assets';
import { isOurLauncher, killLauncher, withLockFile } from './launcher-process';
import { ensureLambdaNode } from './node22';
import { ensurePythonVenv } from './python-venv';

export interface LocalAws {
  /** http://127.0.0.1:<port>, or KEYPLANE_AWS_ENDPOINT when that is set. */
  readonly endpoint: string;
  readonly region: string;
  /** True when this call started the server; false when it reused one or an external endpoint. */
  readonly started: boolean;
  /** Stops the server if this call started it (a reused or external one is left running). */
  stop(): Promise<void>;
  /** Drops every resource in the emulator (POST /moto-api/reset), for test isolation. */
  reset(): Promise<void>;
  /** Lambda logs, one <function name>.log per function (undefined for an external endpoint). */
  readonly logDir?: string;
}

export interface StartOptions {
  /**
   * Start a private server for this caller only: not recorded in state.json, never reused,
   * state under .keyplane/local-aws/isolated/<id>/. Use it where reset() must not disturb
   * other suites sharing the default server. Ignores KEYPLANE_AWS_ENDPOINT.
   * @default false
   */
  readonly isolated?: boolean;
  /**
   * Use the emulator KEYPLANE_AWS_ENDPOINT names, when it is set, instead of starting one.
   * `keyplane local start` turns it off: it always starts (or reuses) the project's own.
   * @default true
   */
  readonly useEndpointEnv?: boolean;
}

/** What state.json records about the running server. */
export interface LocalAwsState {
  readonly endpoint: string;
  readonly pid: number;
  readonly port: number;
  readonly startedAt: string;
}

/** Where a project's local AWS keeps its files, all under <project>/.keyplane/. */
export interface LocalAwsPaths {
  readonly keyplaneDir: string;
  /** moto's virtual environment. */
  readonly venvDir: string;
  readonly stateDir: string;
  /** The running server's {@link LocalAwsState}. */
  readonly stateFile: string;
  readonly launcherLog: string;
  /** One file per Lambda function: <lambdaLogDir>/<function name>.log. */
  readonly lambdaLogDir: string;
}

export function localAwsPaths(projectDir: string): LocalAwsPaths {
  const keyplaneDir = path.join(path.resolve(projectDir), '.keyplane');
  const stateDir = path.join(keyplaneDir, 'local-aws');
  return {
    keyplaneDir,
    venvDir: path.join(keyplaneDir, 'venv'),
    stateDir,
    stateFile: path.join(stateDir, 'state.json'),
    launcherLog: path.join(stateDir, 'launcher.log'),
    lambdaLogDir: path.join(stateDir, 'logs'),
  };
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = Number(process.env.KEYPLANE_LOCAL_AWS_START_TIMEOUT_MS ?? 60_000);
/** Longest a first start may wait for another caller's venv install. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** KEYPLANE_AWS_REGION, else AWS_REGION, else us-east-1. */
function defaultRegion(): string {
  return process.env.KEYPLANE_AWS_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
}

function progress(message: string): void {
  process.stderr.write(`[local-aws] ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Environment for a process that should talk to the local AWS: the keyplane CLI
 * (KEYPLANE_AWS_ENDPOINT), the AWS SDKs and the Terraform AWS provider (AWS_ENDPOINT_URL, which
 * both honour for every service), dummy credentials and the region.
 */
export function localAwsEnv(endpoint: string, region = defaultRegion()): Record<string, string> {
  return {
    KEYPLANE_AWS_ENDPOINT: endpoint,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
}

/**
 * Makes the project's .keyplane/venv hold exactly emulator/requirements.txt (moto), installed
 * on first use and again when that file changes. Returns the venv's Python.
 */
function ensureVenv(projectDir: string): Promise<string> {
  const paths = localAwsPaths(projectDir);
  return ensurePythonVenv({
    dir: paths.venvDir,
    requirements: emulatorAsset('requirements.txt'),
    installLog: path.join(paths.keyplaneDir, 'venv-install.log'),
    what: 'moto',
    log: progress,
  });
}

function readState(paths: LocalAwsPaths): LocalAwsState | undefined {
  try {
    return JSON.parse(fs.readFileSync(paths.stateFile, 'utf8')) as LocalAwsState;
  } catch {
    return undefined;
  }
}

/** True when an emulator at `endpoint` answers moto's /moto-api/config within `timeoutMs`. */
export async function answers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/config`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Any HTTP answer counts (LocalStack has no /moto-api). */
async function reachable(endpoint: string, timeoutMs = 5000): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function postJson(url: string, body: unknown): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** The interpreters the launcher needs: moto's Python and a Node 22 for the functions. */
interface Interpreters {
  readonly python: string;
  readonly node: string;
}

async function spawnLauncher(
  projectDir: string,
  interpreters: Interpreters,
  stateDir: string
): Promise<LocalAwsState> {
  const launcher = emulatorAsset('launcher.py');
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const launcherLog = path.join(stateDir, 'launcher.log');
  fs.mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  const logFd = fs.openSync(launcherLog, 'w');
  const child = spawn(
    interpreters.python,
    [launcher, '--host', HOST, '--port', String(port), '--state-dir', stateDir],
    {
      cwd: projectDir,
      detached: true, // own process group: survives the CLI, not killed by Ctrl-C of a test run
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ in the installed package's folder
        KEYPLANE_NODE: interpreters.node,
      },
    }
  );
  fs.closeSync(logFd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  child.unref();
  if (!child.pid) throw new Error(`could not spawn ${interpreters.python} ${launcher}`);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(endpoint, 1000))) {
    if (exited) {
      throw new Error(
        `local AWS launcher exited (${exited}) before answering on ${endpoint}; ` +
          `its log is ${launcherLog}:\n${tail(launcherLog)}`
      );
    }
    if (Date.now() > deadline) {
      process.kill(child.pid, 'SIGKILL');
      throw new Error(
        `local AWS did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms ` +
          `(launcher pid ${child.pid} killed); its log is ${launcherLog}:\n${tail(launcherLog)}`
      );
    }
    await sleep(100);
  }
  // launcher.py already switches Lambda to no-docker; make sure (cheap, idempotent).
  const config = (await (await fetch(`${endpoint}/moto-api/config`)).json()) as {
    lambda?: { use_docker?: boolean };
  };
  if (config.lambda?.use_docker !== false) {
    await postJson(`${endpoint}/moto-api/config`, { lambda: { use_docker: false } });
  }
  return { endpoint, pid: child.pid, port, startedAt: new Date().toISOString() };
}

/** Removes the subdirectories of `dir` not modified for `ageMs` (old isolated servers' files). */
function pruneOlderThan(dir: string, ageMs: number): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (Date.now() - fs.statSync(full).mtimeMs > ageMs) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
}

/** Spawns a launcher, retrying when the probed free port was taken before it could bind. */
async function launch(projectDir: string, stateDir: string): Promise<LocalAwsState> {
  const python = await ensureVenv(projectDir);
  const node = process.env.KEYPLANE_NODE ?? ensureLambdaNode(projectDir, progress);
  const t0 = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const state = await spawnLauncher(projectDir, { python, node }, stateDir);
      progress(`moto up at ${state.endpoint} (pid ${state.pid}) in ${Date.now() - t0} ms`);
      return state;
    } catch (err) {
      const portRace = /Address already in use/.test(tail(path.join(stateDir, 'launcher.log')));
      if (!portRace || attempt >= 3) throw err;
    }
  }
}

function withStartLock<T>(paths: LocalAwsPaths, fn: () => Promise<T>): Promise<T> {
  return withLockFile(
    path.join(paths.stateDir, 'start.lock'),
    INSTALL_TIMEOUT_MS + START_TIMEOUT_MS,
    fn
  );
}

/** The project's running server recorded in state.json, if it is alive and answers. */
export async function runningLocalAws(projectDir: string): Promise<LocalAwsState | undefined> {
  const state = readState(localAwsPaths(projectDir));
  if (state && isOurLauncher(state.pid) && (await answers(state.endpoint))) return state;
  return undefined;
}

/** Stops the project's server recorded in state.json (by its pid only); false if none ran. */
export async function stopLocalAws(projectDir: string): Promise<boolean> {
  const paths = localAwsPaths(projectDir);
  return withStartLock(paths, async () => {
    const state = readState(paths);
    fs.rmSync(paths.stateFile, { force: true });
    if (!state || !isOurLauncher(state.pid)) return false;
    await killLauncher(state.pid);
    return true;
  });
}

function handle(
  endpoint: string,
  region: string,
  started: boolean,
  isMoto: boolean,
  logDir: string | undefined,
  stop: () => Promise<unknown> = async () => undefined
): LocalAws {
  return {
    endpoint,
    region,
    started,
    logDir,
    stop: async () => {
      if (started) await stop();
    },
    reset: async () => {
      if (!isMoto && !(await answers(endpoint))) {
        throw new Error(`reset needs moto's /moto-api; ${endpoint} is not a moto server`);
      }
      await postJson(`${endpoint}/moto-api/reset`, {});
    },
  };
}

/**
 * Returns a running local AWS for the project in `projectDir`: KEYPLANE_AWS_ENDPOINT if set,
 * else the server recorded in its state.json if alive, else a freshly started one (installing
 * moto and Node 22 first if needed).
 */
export async function startLocalAws(
  projectDir: string,
  options: StartOptions = {}
): Promise<LocalAws> {
  const region = defaultRegion();
  const paths = localAwsPaths(projectDir);
  if (options.isolated) {
    const parent = path.join(paths.stateDir, 'isolated');
    pruneOlderThan(parent, 24 * 3600_000);
    const stateDir = path.join(parent, `${process.pid}-${Date.now()}`);
    const state = await launch(projectDir, stateDir);
    const logDir = path.join(stateDir, 'logs');
    return handle(state.endpoint, region, true, true, logDir, () => killLauncher(state.pid));
  }
  const external = process.env.KEYPLANE_AWS_ENDPOINT;
  if (external && options.useEndpointEnv !== false) {
    const endpoint = external.replace(/\/+$/, '');
    if (!(await reachable(endpoint))) {
      throw new Error(`KEYPLANE_AWS_ENDPOINT=${external} does not answer`);
    }
    return handle(endpoint, region, false, false, undefined);
  }
  return withStartLock(paths, async () => {
    const running = await runningLocalAws(projectDir);
    if (running) return handle(running.endpoint, region, false, true, paths.lambdaLogDir);
    const state = await launch(projectDir, paths.stateDir);
    fs.writeFileSync(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
    return handle(state.endpoint, region, true, true, paths.lambdaLogDir, () =>
      stopLocalAws(projectDir)
    );
  });
}
