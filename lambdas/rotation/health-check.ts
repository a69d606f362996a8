/**
 * The optional end-to-end check of testSecret: call the consumer's health-check URL with the
 * pending key in x-api-key and require an answer other than 403 (API Gateway's answer to an
 * unknown, disabled or plan-less key). Redirects are not followed, so the key is sent to the
 * configured URL only.
 */
import type { HttpGet } from './runtime';

export const HEALTH_CHECK_TIMEOUT_MS = 5_000;

export type HealthCheckOutcome =
  { readonly ok: true; readonly status: number } | { readonly ok: false; readonly detail: string };

export async function checkHealth(
  httpGet: HttpGet,
  url: string,
  keyValue: string
): Promise<HealthCheckOutcome> {
  let status: number;
  try {
    const response = await httpGet(url, {
      headers: { 'x-api-key': keyValue },
      redirect: 'manual',
      signal: AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS),
    });
    status = response.status;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { ok: false, detail: `could not be reached (${name})` };
  }
  if (status === 403) return { ok: false, detail: 'answered 403: the key was rejected' };
  return { ok: true, status };
}

/** The URL without query or fragment, for messages and logs. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
