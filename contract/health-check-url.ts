/**
 * Where a health check may send a pending key: https anywhere, plain http only to this machine
 * (the local AWS in tests). The construct refuses other URLs at synth; the rotation function
 * refuses them at run time, whatever a tag says.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why the URL may not receive a key, or undefined when it may. */
export function healthCheckUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'be an https URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol === 'http:') return 'be an https URL (plain http only to localhost)';
  return 'be an https URL';
}
