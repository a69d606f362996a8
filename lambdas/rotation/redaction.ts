/**
 * The last line of defence between a key value and a log: every log line passes through
 * `redact`, which masks fields named like a secret and any run of characters that looks like a
 * key value, wherever it appears (messages, error texts, nested fields).
 */
import { verifyKeyValue } from './key-value';

export const REDACTED = '[REDACTED]';

/** Field names whose value is always masked (compared in lower case). */
const SENSITIVE_FIELDS = new Set([
  'value',
  'values',
  'apikey',
  'x-api-key',
  'secretstring',
  'secretbinary',
  'keyvalue',
]);

/** Key values are 20-128 letters and digits: candidates are runs of 20 or more. */
const ALPHANUMERIC_RUN = /[A-Za-z0-9]{20,}/g;
const MAX_DEPTH = 8;

/**
 * Masks every run of 20+ letters and digits that looks like a key: one that passes the
 * keyplane checksum, or one that mixes letters and digits (API Gateway's own generated keys,
 * foreign keys). Words such as ResourceNotFoundException, ids and UUIDs are left readable.
 */
export function maskKeyLike(text: string): string {
  return text.replace(ALPHANUMERIC_RUN, (run) =>
    (/[0-9]/.test(run) && /[A-Za-z]/.test(run)) || verifyKeyValue(run) ? REDACTED : run
  );
}

/** Runs of letters and digits this long are masked in excerpts: shorter than any key value. */
const EXCERPT_RUN = /[A-Za-z0-9]{16,}/g;
/** Characters of untrusted text an excerpt keeps. */
export const EXCERPT_LENGTH = 48;

/**
 * A short, printable rendering of untrusted text (an event field) for an error message: every
 * run of 16 or more letters and digits is masked first (a key value is one run of 38 or more,
 * so no part of it survives the cut), then the text is cut to EXCERPT_LENGTH characters.
 */
export function excerpt(text: string): string {
  const masked = text.replace(/[^\x20-\x7e]/g, '?').replace(EXCERPT_RUN, REDACTED);
  return masked.length > EXCERPT_LENGTH ? `${masked.slice(0, EXCERPT_LENGTH)}...` : masked;
}

/** A copy of a log payload that is safe to write: secrets masked, errors flattened. */
export function redact(input: unknown): unknown {
  return redactValue(input, 0, new WeakSet<object>());
}

function redactValue(input: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof input === 'string') return maskKeyLike(input);
  if (input === null || typeof input !== 'object') {
    return typeof input === 'bigint' || typeof input === 'function' || typeof input === 'symbol'
      ? String(input)
      : input;
  }
  if (input instanceof Date) return input.toISOString();
  if (seen.has(input)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(input);
  if (input instanceof Error) return redactValue(flattenError(input), depth + 1, seen);
  if (Array.isArray(input)) return input.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    out[maskKeyLike(field)] = SENSITIVE_FIELDS.has(field.toLowerCase())
      ? REDACTED
      : redactValue(value, depth + 1, seen);
  }
  return out;
}

function flattenError(error: Error): Record<string, unknown> {
  const flat: Record<string, unknown> = { name: error.name, message: error.message };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) flat.httpStatusCode = status;
  if (error.stack !== undefined) flat.stack = error.stack;
  if (error.cause !== undefined) flat.cause = error.cause;
  return flat;
}
