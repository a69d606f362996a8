/**
 * Adoption of existing API keys: which consumer's first rotation takes over which key, carried
 * from Terraform to the rotation function in its environment (LambdaEnv.ADOPTIONS), a place
 * only the deployer writes. The constructs encode it, the function parses it; both read the
 * rules here.
 *
 * Keyed by the secret's full name, not by the consumer name: the consumer name reaches the
 * function in a tag, which anyone allowed to tag a secret can set, while a secret name is unique
 * in its region.
 */

/** API key ids as API Gateway makes them (10 lowercase letters and digits), with room to spare. */
export const API_KEY_ID_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** What an API key id may be, worded for messages. */
export const API_KEY_ID_RULE = 'be an API Gateway API key id: 1-64 letters and digits';

/**
 * Bytes the adoptions may take in the function's environment. Lambda allows 4 KB for all
 * variables together; the other variables take under 400 bytes. About 60 adoptions fit with
 * keyplane's default secret names: adopt larger fleets in batches (docs/migration.md).
 */
export const MAX_ADOPTIONS_BYTES = 3072;

/** The environment variable's value: a JSON object from secret name to key id, sorted. */
export function encodeAdoptions(adoptions: ReadonlyMap<string, string>): string {
  const sorted = [...adoptions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(sorted));
}

/** Why a value is not an adoptions object. */
export interface AdoptionsProblem {
  readonly problem: string;
}

/** The adoptions a value names, or what is wrong with it. An absent or empty value names none. */
export function parseAdoptions(
  raw: string | undefined
): ReadonlyMap<string, string> | AdoptionsProblem {
  if (raw === undefined || raw.trim() === '') return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { problem: 'a JSON object from secret name to API key id; it is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: 'a JSON object from secret name to API key id' };
  }
  const adoptions = new Map<string, string>();
  const adopted = new Set<string>();
  for (const [secretName, keyId] of Object.entries(parsed)) {
    if (typeof keyId !== 'string' || !API_KEY_ID_PATTERN.test(keyId)) {
      return { problem: `a JSON object whose values ${API_KEY_ID_RULE} (at ${secretName})` };
    }
    if (adopted.has(keyId)) {
      return { problem: `a JSON object that names each key once (key ${keyId} is named twice)` };
    }
    adopted.add(keyId);
    adoptions.set(secretName, keyId);
  }
  return adoptions;
}

/** True when the value is a problem, not adoptions. */
export function isAdoptionsProblem(
  value: ReadonlyMap<string, string> | AdoptionsProblem
): value is AdoptionsProblem {
  return 'problem' in value;
}
