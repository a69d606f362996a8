/**
 * The sweep's resume position: the id of the last key it finished. Keys are processed in id
 * order, so a sweep that ran out of budget resumes after that key, whatever changed in between
 * (API Gateway's own page tokens expire). Opaque to callers: base64url of a small JSON.
 */
import { invalidCursor } from './errors';

const CURSOR_VERSION = 1;
/** A key id, or '' for "from the beginning" (a sweep that stopped before its first key). */
const KEY_ID_PATTERN = /^[A-Za-z0-9]{0,128}$/;

export function encodeCursor(afterKeyId: string): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, after: afterKeyId })).toString(
    'base64url'
  );
}

/** The key id to resume after ('' or undefined: from the beginning). */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { v?: unknown }).v !== CURSOR_VERSION ||
    typeof (parsed as { after?: unknown }).after !== 'string' ||
    !KEY_ID_PATTERN.test((parsed as { after: string }).after)
  ) {
    throw invalidCursor();
  }
  return (parsed as { after: string }).after;
}
