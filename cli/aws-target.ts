/**
 * Which AWS the CLI talks to, decided once per run:
 *
 * 1. `--aws`, or KEYPLANE_AWS_ENDPOINT=aws: AWS itself (default credential chain, --profile).
 * 2. KEYPLANE_AWS_ENDPOINT=<url>: that emulator (moto, LocalStack).
 * 3. Otherwise, a live local emulator recorded by this project's `npm start`
 *    (.keyplane/local-aws/state.json): used, and said so on stderr.
 * 4. Otherwise AWS.
 *
 * Emulators get the region us-east-1 unless told otherwise, and dummy credentials unless
 * AWS_ACCESS_KEY_ID is set (they do not check them).
 */
import { findLocalEmulator } from './local-emulator';

/** The value of KEYPLANE_AWS_ENDPOINT that means "AWS itself". */
export const AWS_ENDPOINT_KEYWORD = 'aws';

/** Options that pick the target, as given on the command line. */
export interface TargetOptions {
  /** Use AWS even when an emulator is configured or running. @default false */
  readonly aws?: boolean;
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

/** Resolves the target; `notice` gets the one stderr line when a local emulator is used. */
export async function resolveTarget(
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
  notice: (line: string) => void
): Promise<AwsTarget> {
  const aws: AwsTarget = { region: options.region, profile: options.profile, source: 'aws' };
  const configured = env.KEYPLANE_AWS_ENDPOINT?.trim();
  if (options.aws || configured?.toLowerCase() === AWS_ENDPOINT_KEYWORD) return aws;
  const emulator = (endpoint: string, source: AwsTarget['source']): AwsTarget => ({
    endpoint: endpoint.replace(/\/+$/, ''),
    region: options.region ?? env.AWS_REGION ?? 'us-east-1',
    profile: options.profile,
    source,
  });
  if (configured) return emulator(configured, 'env-endpoint');
  const local = await findLocalEmulator(cwd);
  if (local === undefined) return aws;
  notice(
    `keyplane: using the local emulator at ${local.endpoint} (from ${local.stateFile}); ` +
      `pass --aws or set KEYPLANE_AWS_ENDPOINT=${AWS_ENDPOINT_KEYWORD} to use AWS`
  );
  return emulator(local.endpoint, 'local-emulator');
}
