/**
 * The `keyplane` command line: global options, the commands, and how a run ends (exit code,
 * errors on stderr, or as JSON with --json). commander parses the arguments: a well-kept
 * parser with subcommands, help and typed option errors, rather than hand-written parsing.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { adoptCommand, type AdoptOptions } from './commands/adopt';
import { doctorCommand, DEFAULT_STUCK_AFTER_MINUTES } from './commands/doctor';
import { getCommand } from './commands/get';
import { localEnvCommand, localStartCommand, localStopCommand } from './commands/local';
import { revokeCommand } from './commands/revoke';
import { DEFAULT_ROTATE_TIMEOUT_SECONDS, rotateCommand } from './commands/rotate';
import { statusCommand } from './commands/status';
import { sweepCommand } from './commands/sweep';
import { DEFAULT_USAGE_DAYS, MAX_USAGE_DAYS, usageCommand } from './commands/usage';
import { toCliError } from './errors';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { toJson } from './output';
import { GlobalOptions, openSession, Runtime, Session } from './session';
import { keyplaneVersion } from './version';

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], runtime: Runtime): Promise<number> {
  let exitCode: number = ExitCode.OK;
  let session: Session | undefined;
  let json = false;
  const run =
    <A extends unknown[]>(handler: (session: Session, ...args: A) => Promise<ExitCodeValue>) =>
    async (...args: A) => {
      const command = args.at(-1) as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      json = globals.json === true;
      session = await openSession(runtime, globals);
      exitCode = await handler(session, ...args);
    };
  /** For commands that talk to no AWS target (`local ...`): no session is opened. */
  const runLocal =
    (handler: (runtime: Runtime, json: boolean) => Promise<ExitCodeValue>) =>
    async (_options: unknown, command: Command) => {
      json = command.optsWithGlobals<GlobalOptions>().json === true;
      exitCode = await handler(runtime, json);
    };

  const program = new Command('keyplane')
    .description('Operate keyplane: see, rotate and revoke API keys; find drift.')
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION, the profile)'))
    .addOption(new Option('--profile <name>', 'named AWS profile (default: the credential chain)'))
    .addOption(new Option('--service <name>', 'one rotation service (default: all found)'))
    .addOption(new Option('--aws', 'use AWS itself, even if KEYPLANE_AWS_ENDPOINT is set'))
    .addOption(new Option('--local', "use the local emulator started in this folder's .keyplane/"))
    .addOption(new Option('--json', 'print machine-readable JSON on stdout'))
    .version(keyplaneVersion(), '-V, --version', 'print the version of keyplane')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => runtime.io.out(s.trimEnd()),
      writeErr: (s) => runtime.io.err(s.trimEnd()),
    });

  program
    .command('status')
    .description('consumers: plans, current key, age, next rotation, retiring keys, health')
    .action(run((s) => statusCommand(s)));
  program
    .command('rotate')
    .description('rotate a consumer now and follow it until the new key is current')
    .argument('<consumer>', 'consumer name (or its secret name)')
    .addOption(
      new Option('--timeout <seconds>', 'give up waiting after this long')
        .argParser(positiveInteger('--timeout'))
        .default(DEFAULT_ROTATE_TIMEOUT_SECONDS)
    )
    .action(
      run((s, name: string, options: { timeout: number }) => rotateCommand(s, name, options))
    );
  program
    .command('revoke')
    .description('rotate now and disable every other enabled key at once (a leaked key)')
    .argument('<consumer>', 'consumer name (or its secret name)')
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--key <id>', 'revoke this key id only (rotating first if it is the current key)')
    .action(
      run((s, name: string, options: { yes?: boolean; key?: string }) =>
        revokeCommand(s, name, options)
      )
    );
  program
    .command('get')
    .description("the consumer's current key id; the key value only with --show")
    .argument('<consumer>', 'consumer name (or its secret name)')
    .option('--show', 'print the key value (stdout only)')
    .action(run((s, name: string, options: { show?: boolean }) => getCommand(s, name, options)));
  program
    .command('usage')
    .description("requests per key in the consumer's usage plans")
    .argument('<consumer>', 'consumer name (or its secret name)')
    .addOption(
      new Option('--days <n>', `days to report, ending today (1-${MAX_USAGE_DAYS})`)
        .argParser(positiveInteger('--days', MAX_USAGE_DAYS))
        .default(DEFAULT_USAGE_DAYS)
    )
    .action(run((s, name: string, options: { days: number }) => usageCommand(s, name, options)));
  program
    .command('doctor')
    .description('find drift: orphan keys, wrong plans, failed or stuck rotations, keyless secrets')
    .addOption(
      new Option('--stuck-after <minutes>', 'age at which an AWSPENDING version counts as stuck')
        .argParser(nonNegativeInteger('--stuck-after'))
        .default(DEFAULT_STUCK_AFTER_MINUTES)
    )
    .action(run((s, options: { stuckAfter: number }) => doctorCommand(s, options)));
  program
    .command('sweep')
    .description('run the hourly sweep now: retire, delete and reconcile keys, heal consumers')
    .option('--dry-run', 'change nothing; list what the sweep would retire, delete or heal')
    .action(run((s, options: { dryRun?: boolean }) => sweepCommand(s, options)));

  program
    .command('adopt')
    .description('map existing API keys to consumers and plans; write the adoptions to the config')
    .argument('[keyIds...]', 'ids of the API keys to adopt')
    .option('--name-prefix <prefix>', 'adopt every key whose name starts with this')
    .option('--config <file>', 'keyplane.config.json to add the adoptions to')
    .option('--environment <name>', 'the environment of --config that adopts the keys')
    .option('--apply', 'write --config (idempotent); without it the additions are only listed')
    .action(run((s, keyIds: string[], options: AdoptOptions) => adoptCommand(s, keyIds, options)));

  const local = program
    .command('local')
    .description("a local AWS (moto) for this folder's cdktf project: start, env, stop");
  local
    .command('start')
    .description('start (or reuse) the local AWS; installs moto and Node 22 on first use')
    .action(runLocal(localStartCommand));
  local
    .command('env')
    .description('print the exports that point cdktf, Terraform and this CLI at it')
    .action(runLocal(localEnvCommand));
  local
    .command('stop')
    .description('stop the local AWS started in this folder')
    .action(runLocal(localStopCommand));

  try {
    if (argv.length === 0) {
      runtime.io.err(program.helpInformation().trimEnd());
      return ExitCode.USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    const failure = toCliError(error, {
      endpoint: session?.target.endpoint,
      profile: session?.target.profile,
    });
    runtime.io.err(`keyplane: ${failure.message}`);
    if (json)
      runtime.io.out(
        toJson({
          error: { kind: failure.kind, message: failure.message, exitCode: failure.exitCode },
        })
      );
    return failure.exitCode;
  }
}

function positiveInteger(option: string, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(
        `${option} must be a whole number from 1 to ${max}, got "${raw}"`
      );
    return n;
  };
}

function nonNegativeInteger(option: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${option} must be a whole number of 0 or more, got "${raw}"`);
    return n;
  };
}
