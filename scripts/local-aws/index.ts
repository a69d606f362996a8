/**
 * Local AWS for keyplane: moto server on 127.0.0.1, with Lambda functions that really run.
 *
 *   npx tsx scripts/local-aws/index.ts start|stop|env|status
 *
 * `startLocalAws()` installs moto into the project-local venv .keyplane/venv (once, and
 * again when requirements.txt changes), starts launcher.py detached on a free port, waits
 * until it answers and records {endpoint, pid, port} in .keyplane/local-aws/state.json.
 * A server that is already running (state file, live pid, answers) is reused. When
 * KEYPLANE_AWS_ENDPOINT is set, that emulator (moto or LocalStack) is used instead and
 * nothing is started. Progress goes to stderr, so `env` output on stdout can be eval'ed.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { LOCAL_AWS_STATE_FILE } from '../../cli/local-emulator';
import { ensurePythonVenv } from '../python-venv';

export interface LocalAws {
  /** http://127.0.0.1:<port>, or KEYPLANE_AWS_ENDPOINT when that is set. */
  endpoint: string;
  region: string;
  /** True when this call started the server; false when it reused one or an external endpoint. */
  started: boolean;
  /** Stops the server if this call started it (a reused or external one is left running). */
  stop(): Promise<void>;
  /** Drops every resource in the emulator (POST /moto-api/reset), for test isolation. */
  reset(): Promise<void>;
  /** Lambda logs, one <function name>.log per function (undefined for an external endpoint). */
  logDir?: string;
}

export interface StartOptions {
  /**
   * Start a private server for this caller only: not recorded in state.json, never reused,
   * state under .keyplane/local-aws/isolated/<id>/. Use it where reset() must not disturb
   * other suites sharing the default server. Ignores KEYPLANE_AWS_ENDPOINT.
   */
  isolated?: boolean;
}

export interface LocalAwsState {
  endpoint: string;
  pid: number;
  port: number;
  startedAt: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
const HERE = path.join(ROOT, 'scripts', 'local-aws');
const REQUIREMENTS = path.join(HERE, 'requirements.txt');
const LAUNCHER = path.join(HERE, 'launcher.py');
export const KEYPLANE_DIR = path.join(ROOT, '.keyplane');
export const VENV_DIR = path.join(KEYPLANE_DIR, 'venv');
export const STATE_DIR = path.join(KEYPLANE_DIR, 'local-aws');
/** Read by the keyplane CLI too, which uses a live emulator recorded here by default. */
export const STATE_FILE = path.join(ROOT, LOCAL_AWS_STATE_FILE);
export const LAUNCHER_LOG = path.join(STATE_DIR, 'launcher.log');
/** One file per Lambda function: <LAMBDA_LOG_DIR>/<function name>.log. */
export const LAMBDA_LOG_DIR = path.join(STATE_DIR, 'logs');
const START_LOCK = path.join(STATE_DIR, 'start.lock');

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = Number(process.env.KEYPLANE_LOCAL_AWS_START_TIMEOUT_MS ?? 60_000);
/** Longest a first start may wait for another caller's venv install. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

export function defaultRegion(): string {
  return process.env.KEYPLANE_AWS_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
}

function progress(message: string): void {
  process.stderr.write(`[local-aws] ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Environment for a process that should talk to the local AWS (SDK v3, Terraform, CLI). */
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

// ---------------------------------------------------------------------------- venv

/**
 * Makes .keyplane/venv hold exactly requirements.txt (moto), installed on first use and again
 * when requirements.txt changes.
 */
export function ensureVenv(): Promise<string> {
  return ensurePythonVenv({
    dir: VENV_DIR,
    requirements: REQUIREMENTS,
    installLog: path.join(KEYPLANE_DIR, 'venv-install.log'),
    what: 'moto',
    log: progress,
  });
}

// --------------------------------------------------------------------------- server

function readState(): LocalAwsState | undefined {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as LocalAwsState;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A detached launcher is reparented; until its new parent reaps it, an exited one is a
  // zombie that still answers kill(pid, 0). On Linux, /proc tells the two apart.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux'; // on Linux: gone since kill(pid, 0)
  }
}

/** Guards against a recycled pid: on Linux, check the process really is our launcher. */
function isOurLauncher(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launcher.py');
  } catch {
    return process.platform !== 'linux';
  }
}

async function answers(endpoint: string, timeoutMs = 2000): Promise<boolean> {
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

/** A cross-process lock around start/stop, so parallel callers don't start two servers. */
async function withStartLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const deadline = Date.now() + INSTALL_TIMEOUT_MS + START_TIMEOUT_MS;
  for (;;) {
    try {
      fs.writeFileSync(START_LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(START_LOCK, 'utf8'));
      if (!holder || !pidAlive(holder)) {
        fs.rmSync(START_LOCK, { force: true }); // stale: its owner died
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${START_LOCK} held by pid ${holder} for too long`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(START_LOCK, { force: true });
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

async function spawnLauncher(python: string, stateDir: string): Promise<LocalAwsState> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const launcherLog = path.join(stateDir, 'launcher.log');
  fs.mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  const logFd = fs.openSync(launcherLog, 'w');
  const child = spawn(
    python,
    [LAUNCHER, '--host', HOST, '--port', String(port), '--state-dir', stateDir],
    {
      cwd: ROOT,
      detached: true, // own process group: survives the CLI, not killed by Ctrl-C of a test run
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    }
  );
  fs.closeSync(logFd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  child.unref();
  if (!child.pid) throw new Error(`could not spawn ${python} ${LAUNCHER}`);

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
async function launch(stateDir: string): Promise<LocalAwsState> {
  const python = await ensureVenv();
  const t0 = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const state = await spawnLauncher(python, stateDir);
      progress(`moto up at ${state.endpoint} (pid ${state.pid}) in ${Date.now() - t0} ms`);
      return state;
    } catch (err) {
      const portRace = /Address already in use/.test(tail(path.join(stateDir, 'launcher.log')));
      if (!portRace || attempt >= 3) throw err;
    }
  }
}

/** SIGTERM to this pid only, then SIGKILL if it has not exited within 5 s. */
async function killLauncher(pid: number): Promise<void> {
  if (!isOurLauncher(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** The running server recorded in state.json, if it is alive and answers. */
export async function runningLocalAws(): Promise<LocalAwsState | undefined> {
  const state = readState();
  if (state && isOurLauncher(state.pid) && (await answers(state.endpoint))) return state;
  return undefined;
}

/** Stops the server recorded in state.json (by its pid only). Returns whether one was running. */
export async function stopLocalAws(): Promise<boolean> {
  return withStartLock(async () => {
    const state = readState();
    fs.rmSync(STATE_FILE, { force: true });
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
 * Returns a running local AWS: KEYPLANE_AWS_ENDPOINT if set, else the moto server from
 * state.json if alive, else a freshly started one (installing the venv first if needed).
 */
export async function startLocalAws(options: StartOptions = {}): Promise<LocalAws> {
  const region = defaultRegion();
  if (options.isolated) {
    const parent = path.join(STATE_DIR, 'isolated');
    pruneOlderThan(parent, 24 * 3600_000);
    const stateDir = path.join(parent, `${process.pid}-${Date.now()}`);
    const state = await launch(stateDir);
    const logDir = path.join(stateDir, 'logs');
    return handle(state.endpoint, region, true, true, logDir, () => killLauncher(state.pid));
  }
  const external = process.env.KEYPLANE_AWS_ENDPOINT;
  if (external) {
    const endpoint = external.replace(/\/+$/, '');
    if (!(await reachable(endpoint))) {
      throw new Error(`KEYPLANE_AWS_ENDPOINT=${external} does not answer`);
    }
    return handle(endpoint, region, false, false, undefined);
  }
  return withStartLock(async () => {
    const running = await runningLocalAws();
    if (running) return handle(running.endpoint, region, false, true, LAMBDA_LOG_DIR);
    const state = await launch(STATE_DIR);
    fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
    return handle(state.endpoint, region, true, true, LAMBDA_LOG_DIR, stopLocalAws);
  });
}

// ------------------------------------------------------------------------------ CLI

async function cli(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start': {
      const aws = await startLocalAws();
      const how = aws.started ? 'started' : 'already running';
      console.log(`local AWS ${how}: ${aws.endpoint}`);
      console.log(`  Lambda logs: ${LAMBDA_LOG_DIR}   launcher log: ${LAUNCHER_LOG}`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopLocalAws();
      console.log(stopped ? 'local AWS stopped' : 'local AWS was not running');
      return 0;
    }
    case 'env': {
      const endpoint = process.env.KEYPLANE_AWS_ENDPOINT ?? (await runningLocalAws())?.endpoint;
      if (!endpoint) {
        progress('not running; start it with: npx tsx scripts/local-aws/index.ts start');
        return 1;
      }
      for (const [key, value] of Object.entries(localAwsEnv(endpoint))) {
        console.log(`export ${key}=${value}`);
      }
      return 0;
    }
    case 'status': {
      if (process.env.KEYPLANE_AWS_ENDPOINT) {
        console.log(`using external KEYPLANE_AWS_ENDPOINT=${process.env.KEYPLANE_AWS_ENDPOINT}`);
        return 0;
      }
      const running = await runningLocalAws();
      if (!running) {
        console.log('local AWS: not running');
        return 1;
      }
      console.log(`local AWS: running at ${running.endpoint} (pid ${running.pid})`);
      console.log(`  since ${running.startedAt}; launcher log: ${LAUNCHER_LOG}`);
      console.log(`  Lambda logs: ${LAMBDA_LOG_DIR}`);
      return 0;
    }
    default:
      console.error('usage: npx tsx scripts/local-aws/index.ts start|stop|env|status');
      return 2;
  }
}

if (require.main === module) {
  cli(process.argv[2]).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`local-aws: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  );
}
