#!/usr/bin/env node
/**
 * The `keyplane` executable (package.json bin): runs the CLI on the process's arguments and
 * exits with its code (docs/cli.md lists them).
 */
import { processIo } from './output';
import { runCli } from './program';

runCli(process.argv.slice(2), {
  io: processIo(),
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keyplane: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
);
