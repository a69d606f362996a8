/**
 * Project-local Python virtual environments for the tools keyplane runs (moto for the local
 * AWS, checkov in the tests): each lives in its own folder under a project's .keyplane/,
 * installed on first use from a pinned requirements.txt, and recreated when that file changes
 * (a hash stamp in the venv says which requirements it holds). The host needs only Python 3.9+
 * and PyPI.
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** One tool's venv. */
export interface PythonVenvSpec {
  /** Folder of the venv, e.g. .keyplane/venv. */
  readonly dir: string;
  /** The pinned requirements.txt it must hold. */
  readonly requirements: string;
  /** File that collects the output of venv creation and pip (named in errors). */
  readonly installLog: string;
  /** What is installed, for progress messages, e.g. "moto". */
  readonly what: string;
  /** Where progress lines go. */
  readonly log: (message: string) => void;
}

const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** The venv's own Python interpreter. */
export function venvPython(dir: string): string {
  return process.platform === 'win32'
    ? path.join(dir, 'Scripts', 'python.exe')
    : path.join(dir, 'bin', 'python');
}

/** The venv's console script `name` (e.g. checkov). */
export function venvScript(dir: string, name: string): string {
  return process.platform === 'win32'
    ? path.join(dir, 'Scripts', `${name}.exe`)
    : path.join(dir, 'bin', name);
}

function hostPython(what: string): string {
  const candidates = process.env.KEYPLANE_PYTHON
    ? [process.env.KEYPLANE_PYTHON]
    : ['python3', 'python'];
  for (const candidate of candidates) {
    const probe = spawnSync(
      candidate,
      ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
      { encoding: 'utf8' }
    );
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major === 3 && minor >= 9) return candidate;
    throw new Error(`${candidate} is Python ${probe.stdout.trim()}; ${what} needs Python >= 3.9`);
  }
  throw new Error(
    `No Python 3 found (tried ${candidates.join(', ')}); install it or set KEYPLANE_PYTHON`
  );
}

function requirementsHash(requirements: string): string {
  return createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
}

/** Runs a command with output to `logFile`; rejects (naming the log) on failure or timeout. */
function runLogged(
  cmd: string,
  args: string[],
  logFile: string,
  cwd: string,
  onLine?: (line: string) => void
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = fs.createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    let pending = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach((line) => onLine?.(line));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearTimeout(timer);
      log.end(() => reject(new Error(`${cmd} could not run: ${err.message}`)));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end(() =>
        code === 0
          ? resolve()
          : reject(
              new Error(
                `${path.basename(cmd)} ${args.slice(0, 3).join(' ')} failed ` +
                  `(${signal ?? `exit ${code}`}); see ${logFile}`
              )
            )
      );
    });
  });
}

/**
 * Makes `spec.dir` hold exactly `spec.requirements`, creating it from scratch when it is
 * missing or its requirements changed since the last successful install. Returns its Python.
 */
export async function ensurePythonVenv(spec: PythonVenvSpec): Promise<string> {
  const python = venvPython(spec.dir);
  const stampFile = path.join(spec.dir, '.keyplane-requirements.sha256');
  const wanted = requirementsHash(spec.requirements);
  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
  if (stamp === wanted && fs.existsSync(python)) return python;

  const started = Date.now();
  const host = hostPython(spec.what);
  const cwd = path.dirname(spec.dir);
  const relative = path.relative(process.cwd(), spec.dir) || spec.dir;
  fs.mkdirSync(path.dirname(spec.installLog), { recursive: true });
  fs.writeFileSync(spec.installLog, `# ${new Date().toISOString()}\n`);
  spec.log(
    stamp
      ? `${spec.requirements} changed: recreating ${relative}`
      : `first run: creating ${relative} and installing ${spec.what} (a minute or more)`
  );
  fs.rmSync(spec.dir, { recursive: true, force: true });
  await runLogged(host, ['-m', 'venv', spec.dir], spec.installLog, cwd);

  let collected = 0;
  let installing = false;
  const heartbeat = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    const phase = installing ? `installing ${collected} packages` : `${collected} packages fetched`;
    spec.log(`  pip install: ${phase} (${s}s)`);
  }, 10_000);
  try {
    await runLogged(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', spec.requirements],
      spec.installLog,
      cwd,
      (line) => {
        if (/^(Collecting|Processing) /.test(line)) collected += 1;
        if (line.startsWith('Installing collected packages')) installing = true;
      }
    );
  } finally {
    clearInterval(heartbeat);
  }
  fs.writeFileSync(stampFile, `${wanted}\n`);
  spec.log(
    `${relative} ready in ${((Date.now() - started) / 1000).toFixed(1)}s (log: ${spec.installLog})`
  );
  return python;
}
