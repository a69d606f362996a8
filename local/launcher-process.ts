/**
 * The detached emulator process, handled by its pid only: is it alive, is it ours, stop it;
 * and a lock file so that two callers never start two of them.
 */
import * as fs from 'fs';
import * as path from 'path';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `pid` is a live process (a zombie counts as gone). */
export function pidAlive(pid: number): boolean {
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
export function isOurLauncher(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launcher.py');
  } catch {
    return process.platform !== 'linux';
  }
}

/** SIGTERM to this pid only, then SIGKILL if it has not exited within 5 s. */
export async function killLauncher(pid: number): Promise<void> {
  if (!isOurLauncher(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Runs `fn` holding the lock file `lockFile` (it holds the holder's pid); a lock whose holder
 * died is taken over, one held longer than `timeoutMs` is an error naming the holder.
 */
export async function withLockFile<T>(
  lockFile: string,
  timeoutMs: number,
  fn: () => Promise<T>
): Promise<T> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (!holder || !pidAlive(holder)) {
        fs.rmSync(lockFile, { force: true }); // stale: its owner died
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${lockFile} held by pid ${holder} for too long`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
