/**
 * The sweep's resume position: the id of the last key it finished. Keys are processed in id
 * order, so a sweep that ran out of budget resumes after that key, whatever changed in between
 * (API Gateway's own page tokens expire). Opaque to callers: base64url of a small JSON. A
 * sweep of a service with further regions (key-regions.ts) goes through the regions in turn;
 * its cursor also names the region it stopped in (absent: the function's own).
 */
import { invalidCursor } from './errors';

const CURSOR_VERSION = 1;
/** A key id, or '' for "from the beginning" (a sweep that stopped before its first key). */
const KEY_ID_PATTERN = /^[A-Za-z0-9]{0,128}$/;

/** A region name, as a cursor may carry it. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function encodeCursor(afterKeyId: string, region?: string): string {
  return Buffer.from(
    JSON.stringify({ v: CURSOR_VERSION, after: afterKeyId, ...(region ? { region } : {}) })
  ).toString('base64url');
}

/** The further region the cursor stopped in, or undefined for the function's own. */
export function decodeCursorRegion(cursor: string | undefined): string | undefined {
  if (decodeCursor(cursor) === undefined) return undefined;
  const { region } = JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString('utf8')) as {
    region?: unknown;
  };
  if (region === undefined) return undefined;
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) throw invalidCursor();
  return region;
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
