/**
 * The keyplane CLI's exit codes, documented in docs/cli.md. Scripts may rely on them.
 */
export const ExitCode = {
  /** Done; for doctor: no drift found. */
  OK: 0,
  /** Findings (doctor), a rotation that did not finish, or any other failure. */
  FAILURE: 1,
  /** Bad arguments or options, or a confirmation that could not be asked. */
  USAGE: 2,
  /** The consumer or service named does not exist. */
  NOT_FOUND: 3,
  /** No AWS credentials, or AWS refused them (expired, denied). */
  ACCESS: 4,
  /** AWS kept throttling the CLI after its retries. */
  THROTTLED: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
