/**
 * Reading and writing the secret's JSON (contract/secret-value.ts). A value that does not parse
 * is reported by its kind only: the text may hold a key.
 */
import {
  array,
  literal,
  maxLength,
  minLength,
  object,
  optional,
  regex,
  string,
  type ZodMiniType,
} from 'zod/mini';
import { SECRET_FORMAT, type BootstrapValue, type IssuedKeyValue } from '../../contract';

// zod/mini keeps the bundle small (see events.ts).
const issuedSchema = object({
  format: literal(SECRET_FORMAT),
  keyId: string().check(minLength(1), maxLength(128)),
  value: string().check(minLength(20), maxLength(128), regex(/^[A-Za-z0-9]+$/)),
  consumer: string().check(minLength(1)),
  usagePlanIds: array(string()),
  createdAt: string(),
  proof: optional(string().check(maxLength(256))),
  regions: optional(
    array(
      object({
        region: string().check(minLength(1), maxLength(32)),
        keyId: string().check(minLength(1), maxLength(128)),
        usagePlanIds: array(string()),
        proof: string().check(maxLength(256)),
      })
    )
  ),
}) satisfies ZodMiniType<IssuedKeyValue>;

const bootstrapSchema = object({
  format: literal(SECRET_FORMAT),
  bootstrap: literal(true),
  consumer: string(),
}) satisfies ZodMiniType<BootstrapValue>;

/** What a secret version holds. */
export type VersionContent =
  | { readonly kind: 'issued'; readonly value: IssuedKeyValue }
  | { readonly kind: 'bootstrap'; readonly value: BootstrapValue }
  /** The version exists but has no value yet (Secrets Manager made it for a rotation). */
  | { readonly kind: 'empty' }
  /** Something that is not keyplane JSON. */
  | { readonly kind: 'unrecognized' };

/** Classifies a SecretString; undefined means the version has no value. */
export function parseSecretValue(secretString: string | undefined): VersionContent {
  if (secretString === undefined) return { kind: 'empty' };
  let json: unknown;
  // Stryker disable BlockStatement: without the catch's return json stays undefined, which both schemas below reject: 'unrecognized' either way
  try {
    json = JSON.parse(secretString);
  } catch {
    return { kind: 'unrecognized' };
  }
  // Stryker restore BlockStatement
  const issued = issuedSchema.safeParse(json);
  if (issued.success) return { kind: 'issued', value: issued.data };
  const bootstrap = bootstrapSchema.safeParse(json);
  if (bootstrap.success) return { kind: 'bootstrap', value: bootstrap.data };
  return { kind: 'unrecognized' };
}

/** The JSON of an issued key, fields in a fixed order. */
export function serializeIssuedKey(value: IssuedKeyValue): string {
  const ordered: IssuedKeyValue = {
    format: value.format,
    keyId: value.keyId,
    value: value.value,
    consumer: value.consumer,
    usagePlanIds: [...value.usagePlanIds],
    createdAt: value.createdAt,
    proof: value.proof, // JSON.stringify leaves it out when undefined
    regions: value.regions?.map(({ region, keyId, usagePlanIds, proof }) => ({
      region,
      keyId,
      usagePlanIds: [...usagePlanIds],
      proof,
    })),
  };
  return JSON.stringify(ordered);
}

/** A short description of a version's content for messages: never the value. */
export function describeContent(content: VersionContent): string {
  switch (content.kind) {
    case 'issued':
      return `issued key ${content.value.keyId}`;
    case 'bootstrap':
      return 'the bootstrap placeholder';
    case 'empty':
      return 'no value';
    case 'unrecognized':
      return 'a value that is not keyplane JSON';
  }
}
