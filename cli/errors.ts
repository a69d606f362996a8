/**
 * Errors the CLI reports: each carries the exit code it ends with and a stable kind for --json.
 * AWS SDK errors are translated once, here, into messages that say what to do.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes';

/** An error the CLI reports as one line (stderr, or `{"error": ...}` with --json). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** Stable machine-readable name of the error, e.g. `unknown-consumer`. */
    readonly kind: string
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.USAGE, 'usage');

export function unknownConsumer(name: string, known: readonly string[]): CliError {
  const list = known.length > 0 ? known.join(', ') : '(none found)';
  return new CliError(
    `unknown consumer "${name}"; known consumers: ${list}`,
    ExitCode.NOT_FOUND,
    'unknown-consumer'
  );
}

export function unknownService(name: string, known: readonly string[]): CliError {
  const list = known.length > 0 ? known.join(', ') : '(none found)';
  return new CliError(
    `no keyplane secrets of service "${name}"; services found: ${list}`,
    ExitCode.NOT_FOUND,
    'unknown-service'
  );
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ProviderError']);
const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'ForbiddenException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'UnauthorizedException',
  'UnrecognizedClientException',
]);
const THROTTLING_ERRORS = new Set([
  'LimitExceededException', // API Gateway's 429 for account-level request rates
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT']);

/** Where the CLI was talking to, for messages. */
export interface ErrorContext {
  /** The endpoint URL, or undefined for AWS itself. */
  readonly endpoint?: string;
  readonly profile?: string;
}

/** Translates anything thrown into a CliError with the right exit code and a helpful message. */
export function toCliError(error: unknown, context: ErrorContext = {}): CliError {
  if (error instanceof CliError) return error;
  const err = (error ?? {}) as { name?: string; message?: string; code?: string };
  const name = err.name ?? 'Error';
  const message = err.message ?? String(error);
  if (CREDENTIAL_ERRORS.has(name) || /Could not load credentials/i.test(message)) {
    const where = context.profile ? `profile "${context.profile}"` : 'the default credential chain';
    return new CliError(
      `no AWS credentials found (${where}): set AWS_PROFILE or pass --profile, run ` +
        '`aws sso login` if the profile uses SSO, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      ExitCode.ACCESS,
      'credentials'
    );
  }
  if (/Region is missing/i.test(message)) {
    return usageError('no AWS region: pass --region or set AWS_REGION');
  }
  if (ACCESS_ERRORS.has(name)) {
    return new CliError(
      `AWS refused the request (${name}): ${message}. Check that the credentials are current ` +
        'and allowed to read Secrets Manager and API Gateway (see docs/cli.md, "Permissions")',
      ExitCode.ACCESS,
      'access-denied'
    );
  }
  if (THROTTLING_ERRORS.has(name)) {
    return new CliError(
      `AWS throttled the CLI (${name}) even after retrying; wait a minute and run it again`,
      ExitCode.THROTTLED,
      'throttled'
    );
  }
  const code = err.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code !== undefined && CONNECTION_ERRORS.has(code)) {
    const where = context.endpoint ?? 'AWS';
    return new CliError(
      `cannot reach ${where} (${code}); is the endpoint running? ` +
        'Unset KEYPLANE_AWS_ENDPOINT or pass --aws to use AWS',
      ExitCode.FAILURE,
      'unreachable'
    );
  }
  return new CliError(`${name}: ${message}`, ExitCode.FAILURE, 'failure');
}
