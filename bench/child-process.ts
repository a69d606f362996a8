/**
 * Runs a command as a fresh child process and measures it from outside: wall time, and peak
 * resident memory from GNU time (`/usr/bin/time -v`) where the machine has it.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import { performance } from 'perf_hooks';

const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = fs.existsSync(GNU_TIME);

export interface Measured {
  readonly wallMs: number;
  /** "Maximum resident set size" reported by GNU time, in KiB; undefined without it. */
  readonly maxRssKiB?: number;
  /** User plus system CPU time of the process and its children (GNU time), ms; less moved by other work on the machine than wall time. */
  readonly cpuMs?: number;
  readonly stdout: string;
}

export function measure(command: string, args: string[], options: SpawnSyncOptions = {}): Measured {
  const [cmd, argv] = HAS_GNU_TIME ? [GNU_TIME, ['-v', command, ...args]] : [command, args];
  const started = performance.now();
  const run = spawnSync(cmd, argv, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${run.status}:\n${String(run.stderr).slice(-4000)}`
    );
  }
  const stderr = String(run.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return {
    wallMs,
    maxRssKiB: rss ? Number(rss[1]) : undefined,
    cpuMs: user && system ? (Number(user[1]) + Number(system[1])) * 1000 : undefined,
    stdout: String(run.stdout),
  };
}
