/**
 * Structured JSON logs, one line per event, written straight to stdout (CloudWatch keeps the
 * line as is). Every line goes through `redact` first, so a key value cannot reach a log even
 * if a caller passes one by mistake.
 *
 * One logger per module: `const log = createLogger('sweep')`.
 */
import { redact } from './redaction';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields added to every line of the current invocation (the request id). */
let invocationFields: Record<string, unknown> = {};

/** Sets the fields every line carries until the next invocation replaces them. */
export function setInvocationLogFields(fields: Record<string, unknown>): void {
  invocationFields = { ...fields };
}

/** A logger for one module. The threshold is AWS_LAMBDA_LOG_LEVEL, read at each line. */
export function createLogger(module: string): Logger {
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < threshold()) return;
    const line = redact({
      time: new Date().toISOString(),
      level,
      module,
      message,
      ...invocationFields,
      ...fields,
    });
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

function threshold(): number {
  const configured = process.env.AWS_LAMBDA_LOG_LEVEL?.toLowerCase();
  return configured !== undefined && configured in LEVELS
    ? LEVELS[configured as LogLevel]
    : LEVELS.info;
}
