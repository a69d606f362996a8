/**
 * `keyplane local start|env|stop`: a local AWS (moto, with functions run on Node 22) for any
 * cdktf project, kept in the current folder's .keyplane/ (local/local-aws.ts). `env` prints
 * the variables that point the AWS SDKs, the Terraform AWS provider (AWS_ENDPOINT_URL) and
 * this CLI (KEYPLANE_AWS_ENDPOINT) at it, plus TF_CLI_CONFIG_FILE where a provider mirror
 * stands in for the registry (local/terraform-mirror.ts).
 */
import {
  localAwsEnv,
  localAwsPaths,
  runningLocalAws,
  startLocalAws,
  stopLocalAws,
} from '../../local/local-aws';
import {
  findProviderMirror,
  SKIP_PROVIDER_LOCK,
  writeTerraformCliConfig,
} from '../../local/terraform-mirror';
import { CliError } from '../errors';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { toJson } from '../output';
import type { Runtime } from '../session';

/** Starts (or reuses) the project's local AWS and says how to use it. */
export async function localStartCommand(runtime: Runtime, json: boolean): Promise<ExitCodeValue> {
  const aws = await startLocalAws(runtime.cwd, { useEndpointEnv: false });
  const paths = localAwsPaths(runtime.cwd);
  if (json) {
    runtime.io.out(toJson({ endpoint: aws.endpoint, started: aws.started, logDir: aws.logDir }));
  } else {
    runtime.io.out(`local AWS ${aws.started ? 'started' : 'already running'}: ${aws.endpoint}`);
    runtime.io.err(
      [
        `  function logs: ${paths.lambdaLogDir}/<function>.log`,
        `  use it: eval "$(npx keyplane local env)", then npx cdktf deploy${mirrorFlag(runtime)}`,
        '  stop it: npx keyplane local stop',
      ].join('\n')
    );
  }
  return ExitCode.OK;
}

/** Prints `export NAME=value` lines for a shell to eval (or one JSON object with --json). */
export async function localEnvCommand(runtime: Runtime, json: boolean): Promise<ExitCodeValue> {
  const running = await runningLocalAws(runtime.cwd);
  if (running === undefined)
    throw new CliError(
      `no local AWS is running for ${runtime.cwd}; start it with "npx keyplane local start"`,
      ExitCode.FAILURE,
      'not-running'
    );
  const region = runtime.env.AWS_REGION ?? 'us-east-1';
  const vars: Record<string, string> = { ...localAwsEnv(running.endpoint, region) };
  const mirror = findProviderMirror(runtime.env);
  if (mirror !== undefined) {
    vars.TF_CLI_CONFIG_FILE = writeTerraformCliConfig(runtime.cwd, mirror);
    runtime.io.err(
      `keyplane: the AWS provider comes from the filesystem mirror ${mirror} ` +
        `(no registry here): TF_CLI_CONFIG_FILE points Terraform at it, and cdktf deploy ` +
        `and destroy need ${SKIP_PROVIDER_LOCK} (their lock step asks the registry)`
    );
  }
  runtime.io.out(
    json
      ? toJson(vars)
      : Object.entries(vars)
          .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
          .join('\n')
  );
  return ExitCode.OK;
}

/** Stops the project's local AWS, by the pid it recorded. */
export async function localStopCommand(runtime: Runtime, json: boolean): Promise<ExitCodeValue> {
  const stopped = await stopLocalAws(runtime.cwd);
  runtime.io.out(
    json ? toJson({ stopped }) : stopped ? 'local AWS stopped' : 'local AWS was not running'
  );
  return ExitCode.OK;
}

function mirrorFlag(runtime: Runtime): string {
  return findProviderMirror(runtime.env) === undefined ? '' : ` ${SKIP_PROVIDER_LOCK}`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
