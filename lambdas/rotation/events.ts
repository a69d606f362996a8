/**
 * The events the function accepts, validated at the door, before any AWS call: Secrets
 * Manager's rotation steps, the hourly sweep, a revoke and Terraform's teardown. A rejected
 * event is described field by field: the field, the rule it broke and a short excerpt of the
 * value with anything key-like masked (redaction.ts `excerpt`), so a key sent by mistake is
 * never repeated.
 *
 * zod/mini, imported by name, validates: it adds about 16 KB to the bundle where the full zod
 * added 455 KB; its issues carry codes and limits, and `ruleOf` words them.
 */
import {
  array,
  boolean,
  enum as oneOf,
  literal,
  looseObject,
  maxLength,
  minLength,
  optional,
  regex,
  strictObject,
  string,
  type ZodMiniType,
} from 'zod/mini';
import type { core } from 'zod/mini';
import type { AuditEvent, RevokeEvent, SweepEvent, TeardownEvent } from '../../contract';
import { invalidEvent, unknownAction, unsupportedEvent, type RotationStep } from './errors';
import { excerpt, EXCERPT_LENGTH, maskKeyLike } from './redaction';

export type { RotationStep } from './errors';

/** The steps of Secrets Manager's rotation protocol, in the order it calls them. */
export const ROTATION_STEPS = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
] as const satisfies readonly RotationStep[];

/** The part of the Lambda context object the function uses. */
const auditSchema = strictObject({
  action: literal('audit'),
}) satisfies ZodMiniType<AuditEvent>;

export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** A validated event, tagged with its kind. */
export type ParsedEvent =
  | {
      readonly kind: 'rotation';
      readonly secretId: string;
      readonly token: string;
      readonly step: RotationStep;
    }
  | { readonly kind: 'sweep'; readonly cursor?: string; readonly dryRun?: boolean }
  | { readonly kind: 'revoke'; readonly secretId: string; readonly keyId?: string }
  | {
      readonly kind: 'teardown';
      readonly terraformAction?: TerraformAction;
      readonly secretNames?: readonly string[];
    }
  | { readonly kind: 'audit' };

/** The lifecycle action Terraform's aws_lambda_invocation (lifecycle_scope CRUD) passes. */
export type TerraformAction = 'create' | 'update' | 'delete';

/** Longest secret ARN or name Secrets Manager accepts. */
const MAX_SECRET_ID_LENGTH = 2048;
/** Longest cursor a sweep returns, with room to spare. */
const MAX_CURSOR_LENGTH = 512;

const secretId = string().check(minLength(1), maxLength(MAX_SECRET_ID_LENGTH));

/** Secrets Manager sends more fields over time (RotationToken): unknown fields are allowed. */
const rotationSchema = looseObject({
  SecretId: secretId,
  // A version id: 32-64 characters; it becomes part of a key name and a tag value.
  ClientRequestToken: string().check(
    minLength(32),
    maxLength(64),
    regex(/^[A-Za-z0-9_.:/=+@-]+$/, 'hold only letters, digits and _ . : / = + - @')
  ),
  Step: oneOf(ROTATION_STEPS),
});

const sweepSchema = strictObject({
  action: literal('sweep'),
  cursor: optional(string().check(minLength(1), maxLength(MAX_CURSOR_LENGTH))),
  dryRun: optional(boolean()),
}) satisfies ZodMiniType<SweepEvent>;

const revokeSchema = strictObject({
  action: literal('revoke'),
  secretId,
  keyId: optional(string().check(regex(/^[A-Za-z0-9]{1,128}$/))),
}) satisfies ZodMiniType<RevokeEvent>;

/**
 * Terraform's lifecycle invocation of the rotation service (contract TeardownEvent):
 * `{action: 'teardown'}` plus, under TEARDOWN_TERRAFORM_KEY ('tf'), `{action: 'create' |
 * 'update' | 'delete', prev_input?}` added by Terraform.
 */
const teardownSchema = strictObject({
  action: literal('teardown'),
  tf: optional(looseObject({ action: oneOf(['create', 'update', 'delete']) })),
  secretNames: optional(array(secretId)),
}) satisfies ZodMiniType<TeardownEvent>;

const ROTATION_FIELDS = ['SecretId', 'ClientRequestToken', 'Step'];
const ACTIONS = ['sweep', 'revoke', 'teardown', 'audit'];

/** Validates an invocation event; throws an InvalidEventError naming field, rule and value. */
export function parseEvent(event: unknown): ParsedEvent {
  if (!isRecord(event)) {
    throw unsupportedEvent(describeShape(event));
  }
  if ('action' in event) {
    if (event.action === 'sweep') {
      const parsed = check('sweep', sweepSchema, event);
      return {
        kind: 'sweep',
        ...(parsed.cursor === undefined ? {} : { cursor: parsed.cursor }),
        ...(parsed.dryRun === true ? { dryRun: true } : {}),
      };
    }
    if (event.action === 'revoke') {
      const parsed = check('revoke', revokeSchema, event);
      return parsed.keyId === undefined
        ? { kind: 'revoke', secretId: parsed.secretId }
        : { kind: 'revoke', secretId: parsed.secretId, keyId: parsed.keyId };
    }
    if (event.action === 'teardown') {
      const parsed = check('teardown', teardownSchema, event);
      return {
        kind: 'teardown',
        ...(parsed.tf === undefined ? {} : { terraformAction: parsed.tf.action }),
        secretNames: parsed.secretNames,
      };
    }
    if (event.action === 'audit') {
      check('audit', auditSchema, event);
      return { kind: 'audit' };
    }
    throw unknownAction(`be one of ${ACTIONS.map(quote).join(', ')}`, showValue(event.action));
  }
  if (ROTATION_FIELDS.some((field) => field in event)) {
    const parsed = check('rotation', rotationSchema, event);
    return {
      kind: 'rotation',
      secretId: parsed.SecretId,
      token: parsed.ClientRequestToken,
      step: parsed.Step,
    };
  }
  throw unsupportedEvent(describeShape(event));
}

function check<T>(kind: string, schema: ZodMiniType<T>, event: Record<string, unknown>): T {
  const result = schema.safeParse(event);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(
        (key) => `${safeFieldName(key)} is not a field of a ${kind} event (remove it)`
      );
    }
    // The path names fields of the schema, not of the input: safe to show as is.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: every issue but unrecognized_keys (handled above) is on a field; parseEvent checks the event is an object first
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'event';
    const value = valueAt(event, issue.path);
    return [`${field} must ${ruleOf(issue)}, got ${showValue(value)}`];
  });
  throw invalidEvent(kind, problems);
}

/** The rule an issue reports, worded to follow "<field> must". */
function ruleOf(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `be ${article(issue.expected)}`;
    case 'too_small':
      return `have at least ${issue.minimum} characters`;
    case 'too_big':
      return `have at most ${issue.maximum} characters`;
    case 'invalid_value':
      return issue.values.length === 1
        ? // Stryker disable next-line StringLiteral: a single allowed value comes only from the action literals, which parseEvent matches before it picks the schema
          `be ${quote(issue.values[0])}`
        : `be one of ${issue.values.map(quote).join(', ')}`;
    default:
      // Custom rules (the token's character set) carry their own wording.
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A field's value for a message: short, and with anything key-like masked. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = quote(excerpt(value));
    return value.length > EXCERPT_LENGTH ? `${shown} (${value.length} characters)` : shown;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  return `a ${typeof value}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    // Stryker disable next-line ConditionalExpression: zod's issue paths descend only through objects and arrays, so this guard never fires on a path zod gives; it stays against a change in zod
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key as string];
  }
  return node;
}

/** "an object with fields a (string), b (number)" — names and types only. */
export function describeShape(event: unknown): string {
  if (event === null) return 'null';
  if (Array.isArray(event)) return 'an array';
  if (!isRecord(event)) return `a ${typeof event}: ${showValue(event)}`;
  const names = Object.keys(event);
  if (names.length === 0) return 'an empty object';
  const shown = names
    .slice(0, 12)
    .map((name) => `${safeFieldName(name)} (${typeName(event[name])})`)
    .join(', ');
  const more = names.length > 12 ? `, and ${names.length - 12} more` : '';
  return `an object with fields ${shown}${more}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A field name from the event, for a message: key-like runs masked (redaction.ts), then cut to
 * 40 characters. Lighter than a value's excerpt, so names such as ClientRequestToken stay.
 */
function safeFieldName(name: string): string {
  const masked = maskKeyLike(name.replace(/[^\x20-\x7e]/g, '?'));
  return masked.length > 40 ? `${masked.slice(0, 40)}...` : masked;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
