/**
 * The events the function accepts, validated at the door: Secrets Manager's rotation steps,
 * the hourly sweep, a revoke and Terraform's teardown. A rejected event is described by its field names and types,
 * never by its values (a value could be a key).
 */
import { z } from 'zod';
import type { RevokeEvent, SweepEvent, TeardownEvent } from '../../contract';
import { invalidEvent, unsupportedEvent, type RotationStep } from './errors';
import { maskKeyLike } from './redaction';

export type { RotationStep } from './errors';

/** The steps of Secrets Manager's rotation protocol, in the order it calls them. */
export const ROTATION_STEPS = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
] as const satisfies readonly RotationStep[];

/** The part of the Lambda context object the function uses. */
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
  | { readonly kind: 'sweep'; readonly cursor?: string }
  | { readonly kind: 'revoke'; readonly secretId: string }
  | { readonly kind: 'teardown'; readonly terraformAction?: TerraformAction };

/** The lifecycle action Terraform's aws_lambda_invocation (lifecycle_scope CRUD) passes. */
export type TerraformAction = 'create' | 'update' | 'delete';

/** Longest secret ARN or name Secrets Manager accepts. */
const MAX_SECRET_ID_LENGTH = 2048;
/** Longest cursor a sweep returns, with room to spare. */
const MAX_CURSOR_LENGTH = 512;

const secretId = z.string().min(1).max(MAX_SECRET_ID_LENGTH);

/** Secrets Manager sends more fields over time (RotationToken): unknown fields are allowed. */
const rotationSchema = z.looseObject({
  SecretId: secretId,
  // A version id: 32-64 characters; it becomes part of a key name and a tag value.
  ClientRequestToken: z
    .string()
    .min(32)
    .max(64)
    .regex(/^[A-Za-z0-9_.:/=+@-]+$/, 'must be letters, digits or _ . : / = + - @'),
  Step: z.enum(ROTATION_STEPS),
});

const sweepSchema = z.strictObject({
  action: z.literal('sweep'),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
}) satisfies z.ZodType<SweepEvent>;

const revokeSchema = z.strictObject({
  action: z.literal('revoke'),
  secretId,
}) satisfies z.ZodType<RevokeEvent>;

/**
 * Terraform's lifecycle invocation of the rotation service (contract TeardownEvent):
 * `{action: 'teardown'}` plus, under TEARDOWN_TERRAFORM_KEY ('tf'), `{action: 'create' |
 * 'update' | 'delete', prev_input?}` added by Terraform.
 */
const teardownSchema = z.strictObject({
  action: z.literal('teardown'),
  tf: z.looseObject({ action: z.enum(['create', 'update', 'delete']) }).optional(),
}) satisfies z.ZodType<TeardownEvent>;

const ROTATION_FIELDS = ['SecretId', 'ClientRequestToken', 'Step'];

/** Validates an invocation event; throws an InvalidEventError that never repeats a value. */
export function parseEvent(event: unknown): ParsedEvent {
  if (!isRecord(event)) {
    throw unsupportedEvent(describeShape(event));
  }
  if ('action' in event) {
    if (event.action === 'sweep') {
      const parsed = check('sweep', sweepSchema, event);
      return parsed.cursor === undefined
        ? { kind: 'sweep' }
        : { kind: 'sweep', cursor: parsed.cursor };
    }
    if (event.action === 'revoke') {
      const parsed = check('revoke', revokeSchema, event);
      return { kind: 'revoke', secretId: parsed.secretId };
    }
    if (event.action === 'teardown') {
      const parsed = check('teardown', teardownSchema, event);
      return parsed.tf === undefined
        ? { kind: 'teardown' }
        : { kind: 'teardown', terraformAction: parsed.tf.action };
    }
    throw unsupportedEvent(
      `${describeShape(event)}, and action is not 'sweep', 'revoke' or 'teardown'`
    );
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

function check<T>(kind: string, schema: z.ZodType<T>, event: Record<string, unknown>): T {
  const result = schema.safeParse(event);
  if (result.success) {
    return result.data;
  }
  // zod's messages name the expectation and the received type, never the input value.
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'event';
    return `${safeFieldName(field)}: ${maskKeyLike(issue.message)}`;
  });
  throw invalidEvent(kind, problems);
}

/** "an object with fields a (string), b (number)" — names and types only. */
export function describeShape(event: unknown): string {
  if (event === null) return 'null';
  if (Array.isArray(event)) return 'an array';
  if (!isRecord(event)) return `a ${typeof event}`;
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

function safeFieldName(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  const short = printable.length > 40 ? `${printable.slice(0, 40)}...` : printable;
  return maskKeyLike(short);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
