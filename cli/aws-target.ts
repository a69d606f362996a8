/**
 * Which AWS the CLI talks to, chosen explicitly once per run and always named on stderr:
 *
 * 1. `--local`: the emulator `keyplane local start` recorded in the current folder's
 *    .keyplane/local-aws/state.json (an error when there is none or it does not answer).
 * 2. `--aws`, or KEYPLANE_AWS_ENDPOINT=aws: AWS itself.
 * 3. KEYPLANE_AWS_ENDPOINT=<url>: that emulator (moto, LocalStack).
 * 4. Otherwise AWS itself (default credential chain, --profile, --region).
 *
 * No state file is ever looked for on its own: a region set in the shell must not silently
 * turn into a local run, nor a stale state file in a parent folder into a production run.
 * Emulators get the region us-east-1 unless told otherwise, and dummy credentials unless
 * AWS_ACCESS_KEY_ID is set (they do not check them).
 */
import { usageError } from './errors';
import { recordedLocalEmulator } from './local-emulator';

/** The value of KEYPLANE_AWS_ENDPOINT that means "AWS itself". */
export const AWS_ENDPOINT_KEYWORD = 'aws';

/** Options that pick the target, as given on the command line. */
export interface TargetOptions {
  /** Use AWS even when KEYPLANE_AWS_ENDPOINT names an emulator. @default false */
  readonly aws?: boolean;
  /** Use the emulator recorded in the current folder's .keyplane/. @default false */
  readonly local?: boolean;
  /** @default - the SDK's (AWS_REGION, the profile's region); us-east-1 for an emulator */
  readonly region?: string;
  /** Named profile of the shared config files. @default - the default credential chain */
  readonly profile?: string;
}

export interface AwsTarget {
  /** Endpoint URL of an emulator; undefined for AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  /** How the target was chosen. */
  readonly source: 'aws' | 'env-endpoint' | 'local-emulator';
}

/** Resolves the target; `notice` gets the one stderr line that names it. */
export async function resolveTarget(
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
  notice: (line: string) => void
): Promise<AwsTarget> {
  if (options.aws && options.local) throw usageError('--aws and --local exclude each other');
  const configured = env.KEYPLANE_AWS_ENDPOINT?.trim();
  const emulator = (endpoint: string, source: AwsTarget['source']): AwsTarget => ({
    endpoint: endpoint.replace(/\/+$/, ''),
    region: options.region ?? env.AWS_REGION ?? 'us-east-1',
    profile: options.profile,
    source,
  });
  let target: AwsTarget;
  let why: string;
  if (options.local) {
    const local = await recordedLocalEmulator(cwd);
    target = emulator(local.endpoint, 'local-emulator');
    why = `--local, recorded in ${local.stateFile}`;
  } else if (options.aws || configured === undefined || configured === '') {
    target = { region: options.region, profile: options.profile, source: 'aws' };
    why = options.aws ? '--aws' : 'no --local, no KEYPLANE_AWS_ENDPOINT';
  } else if (configured.toLowerCase() === AWS_ENDPOINT_KEYWORD) {
    target = { region: options.region, profile: options.profile, source: 'aws' };
    why = `KEYPLANE_AWS_ENDPOINT=${AWS_ENDPOINT_KEYWORD}`;
  } else {
    target = emulator(configured, 'env-endpoint');
    why = 'KEYPLANE_AWS_ENDPOINT';
  }
  notice(`keyplane: target ${describeTarget(target, env)} (${why})`);
  return target;
}

/** "AWS (region eu-west-1, profile ops)" or "emulator http://127.0.0.1:4566 (region us-east-1)". */
function describeTarget(target: AwsTarget, env: NodeJS.ProcessEnv): string {
  const region = target.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const details = [
    `region ${region ?? 'from the profile'}`,
    ...(target.profile === undefined ? [] : [`profile ${target.profile}`]),
  ].join(', ');
  return target.endpoint === undefined
    ? `AWS (${details})`
    : `emulator ${target.endpoint} (${details})`;
}
