/**
 * cdktf records a full stack trace every time it makes a token (each reference, each
 * attribute read, each `dependsOn` entry), to show where a token was made should it fail to
 * resolve. At 10,000 consumers that formatting was the largest single cost of synth, about a
 * third of its time, and it kept hundreds of thousands of stack strings alive (see
 * bench/README.md). The platform app builds and synthesizes with stack formatting off, so
 * tokens carry an empty creation stack. Errors thrown meanwhile keep theirs: V8 formats an
 * error's stack when it is first read, after the formatter is restored.
 */

/** Runs `work` with V8's stack formatting replaced by one that returns nothing. */
export function withoutCreationStacks<T>(work: () => T): T {
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = () => '';
  try {
    return work();
  } finally {
    Error.prepareStackTrace = format;
  }
}
