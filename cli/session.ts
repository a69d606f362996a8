/**
 * One run of a command: the global options, the AWS target and its clients, and how results
 * are printed (text or --json).
 */
import { resolveTarget, type AwsTarget } from './aws-target';
import { createClients, type AwsClients } from './clients';
import { Io, toJson } from './output';

/** Options every command takes (see docs/cli.md). */
export interface GlobalOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Print machine-readable JSON on stdout. @default false */
  readonly json?: boolean;
  /** Select one rotation service. @default - every keyplane service found */
  readonly service?: string;
  /** Use AWS itself even when KEYPLANE_AWS_ENDPOINT names an emulator. @default false */
  readonly aws?: boolean;
  /** Use the emulator `keyplane local start` recorded in the current folder. @default false */
  readonly local?: boolean;
}

/** What the process gives a run: the terminal, environment, clock. */
export interface Runtime {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface Session {
  readonly runtime: Runtime;
  readonly io: Io;
  readonly globals: GlobalOptions;
  readonly target: AwsTarget;
  readonly clients: AwsClients;
  /** Prints the result: `json` with --json, else `text()` (skipped when empty). */
  print(json: unknown, text: () => string): void;
}

export async function openSession(runtime: Runtime, globals: GlobalOptions): Promise<Session> {
  const target = await resolveTarget(globals, runtime.env, runtime.cwd, runtime.io.err);
  return {
    runtime,
    io: runtime.io,
    globals,
    target,
    clients: createClients(target, runtime.env),
    print: (json, text) => {
      if (globals.json) return runtime.io.out(toJson(json));
      const body = text();
      if (body) runtime.io.out(body);
    },
  };
}
