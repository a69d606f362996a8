/**
 * How keyplane.config.json writes the constructs' props: one row per prop, saying only the JSON
 * form of its type. Everything else about a field comes from the prop itself:
 * - its rules: the construct checks the value when the platform app builds the stack, and
 *   app/config-issues.ts reports a broken rule at the field's JSON path;
 * - its description and default: the prop's doc comment and `@default` (app/prop-docs.ts);
 * - the docs: `npm run docs:config` renders them from this table (app/config-reference.ts).
 *
 * ADDING A FIELD is a one-place change: declare the prop on its props interface (type, doc
 * comment, `@default`) and check it in the construct, as for any prop. The compiler then asks
 * for its row here, because every table must list every prop of its interface (or name it as
 * set by the platform app): add `<prop>: <encoding>` with one of the encodings below. The
 * platform app passes the field through to the construct unchanged; run `npm run docs:config`.
 */
import { z } from 'zod';
import { Duration } from '../constructs/duration';
import { KeyplaneValidationError } from '../constructs/errors';
import { KeyRotationSchedule } from '../constructs/key-rotation-schedule';
import type { DedicatedPlanOptions, ManagedApiKeyProps } from '../constructs/managed-api-key';
import type { AccountQuotas, RotationServiceProps } from '../constructs/rotation-service';
import {
  Period,
  type QuotaSettings,
  type ThrottleSettings,
  type UsagePlanProps,
  type UsagePlanStage,
} from '../constructs/usage-plan';
import {
  KEY_BUDGET_BOUND,
  RESERVED_CONCURRENCY_BOUND,
  type WholeNumberBound,
} from '../contract/function-bounds';

/** The JSON form of a prop's type: a zod schema whose output is the prop's value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON input
type Encoding<T> = z.ZodType<T, any>;

/**
 * The rows of one props interface `P`: every prop but those in `Own` (set by the platform
 * app, not written in the config), each with its encoding.
 */
type Rows<P, Own extends keyof P> = {
  readonly [K in Exclude<keyof P, Own>]-?: Encoding<NonNullable<P[K]>>;
};

/** The props of `P` a value must have. */
type RequiredProps<P> = { [K in keyof P]-?: object extends Pick<P, K> ? never : K }[keyof P];

/** The zod shape of `P`'s rows: required props required, the others optional. */
type Shape<P, Own extends keyof P> = {
  [K in Exclude<RequiredProps<P>, Own>]: Encoding<P[K]>;
} & { [K in Exclude<keyof P, Own | RequiredProps<P>>]: z.ZodOptional<Encoding<NonNullable<P[K]>>> };

/** A string as written. */
const text: Encoding<string> = z.string();
/** A number as written; the construct decides whether it must be an integer, positive... */
const number: Encoding<number> = z.number();
/**
 * A setting the rotation function reads from its environment: a number as written, which the
 * construct refuses outside `bound`. The JSON Schema states the same bound, so an editor flags a
 * value the function would refuse.
 */
const functionSetting = (bound: WholeNumberBound): Encoding<number> =>
  z.number().meta({ type: 'integer', minimum: bound.min, maximum: bound.max });
/** true or false. */
const flag: Encoding<boolean> = z.boolean();
/** A list of strings. */
const texts: Encoding<string[]> = z.array(z.string());
/** An object of string values (tags). */
export const textMap: Encoding<Record<string, string>> = z.record(z.string(), z.string());
/** `<whole number><m|h|d>`, parsed by {@link Duration.parse} (its rule, its message). */
const duration: Encoding<Duration> = z.string().transform(parsedBy(Duration.parse));
/** A Secrets Manager schedule expression, checked by the construct that takes it. */
const schedule: Encoding<KeyRotationSchedule> = z
  .string()
  .transform((expression) => KeyRotationSchedule.expression(expression));

/** A transform by a constructs' parser; its refusal becomes an issue at the field. */
function parsedBy<T>(parse: (text: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof KeyplaneValidationError) || error.details?.rule === undefined) {
        throw error;
      }
      ctx.addIssue({ code: 'custom', message: `must ${error.details.rule}` });
      return z.NEVER;
    }
  };
}

/**
 * The zod shape of `P`'s rows: each field named after its prop (`Interface.prop`, which the
 * reference takes the description and default from) and optional unless the prop is required.
 * Call as `rowsOf<P>()('P', {...})`: `P` is given, `Own` inferred.
 */
export function rowsOf<P>() {
  return <Own extends keyof P = never>(
    interfaceName: string,
    rows: Rows<P, Own>,
    required: readonly RequiredProps<P>[] = []
  ): Shape<P, Own> =>
    Object.fromEntries(
      Object.entries(rows).map(([prop, encoding]) => {
        const described = (encoding as z.ZodType).meta({ prop: `${interfaceName}.${prop}` });
        const needed = (required as readonly string[]).includes(prop);
        return [prop, needed ? described : described.optional()];
      })
    ) as never;
}

/** {@link ThrottleSettings}, as in a plan, a dedicated plan or a method. */
const throttleFields = rowsOf<ThrottleSettings>()(
  'ThrottleSettings',
  { rateLimit: number, burstLimit: number },
  ['rateLimit', 'burstLimit']
);
const throttle = z.strictObject(throttleFields);

/** {@link QuotaSettings}. */
const quotaFields = rowsOf<QuotaSettings>()(
  'QuotaSettings',
  { limit: number, period: z.enum(Period), offset: number },
  ['limit', 'period']
);
const quota = z.strictObject(quotaFields);

/** {@link UsagePlanStage}, but the API and stage, which the config names its own way. */
export const stageFields = rowsOf<UsagePlanStage>()<'api' | 'stage'>('UsagePlanStage', {
  methodThrottles: z.record(z.string(), throttle),
});

/** {@link UsagePlanProps}, but the name (`<service>-<plan>`) and the stages (config's own). */
export const usagePlanFields = rowsOf<UsagePlanProps>()<'name' | 'apiStages'>('UsagePlanProps', {
  description: text,
  quota,
  throttle,
  tags: textMap,
  importId: text,
  region: text,
});

/** {@link DedicatedPlanOptions}, but the stages (config's own). */
export const dedicatedPlanFields = rowsOf<DedicatedPlanOptions>()<'apiStages'>(
  'DedicatedPlanOptions',
  { quota, throttle }
);

/**
 * {@link ManagedApiKeyProps}, but the consumer (its key in `consumers`), its plans (named in
 * `plans`, or `dedicatedPlan` with the config's stages) and the service (the environment's).
 */
export const consumerFields = rowsOf<ManagedApiKeyProps>()<
  'consumer' | 'usagePlans' | 'dedicatedPlan' | 'rotationService'
>('ManagedApiKeyProps', {
  schedule,
  rotationWindow: duration,
  gracePeriod: duration,
  keyPrefix: text,
  readers: texts,
  secretName: text,
  recoveryWindowInDays: number,
  replicaRegions: texts,
  healthCheckUrl: text,
  carryQuota: flag,
  quotaSlackPercent: number,
  quietPeriod: duration,
  maxHold: duration,
  maxLiveKeys: number,
  maxRetainedKeys: number,
  rotateCoolDown: duration,
  revokeCoolDown: duration,
  adoptKeyId: text,
  tags: textMap,
});

/**
 * {@link RotationServiceProps}, but the names the platform app derives from the environment
 * (`keyplane-<environment>`, `keyplane/<environment>/`).
 */
export const rotationFields = rowsOf<RotationServiceProps>()<'serviceName' | 'secretPrefix'>(
  'RotationServiceProps',
  {
    deleteRetiredAfter: duration,
    sweepSchedule: text,
    logRetentionDays: number,
    reservedConcurrency: functionSetting(RESERVED_CONCURRENCY_BOUND),
    alarmEmails: texts,
    alarmTopicArn: text,
    alarmActions: texts,
    overdueMargin: duration,
    keyBudget: functionSetting(KEY_BUDGET_BOUND),
    accountQuotas: z.strictObject(
      rowsOf<AccountQuotas>()('AccountQuotas', {
        apiKeysPerRegion: number,
        usagePlansPerRegion: number,
      })
    ),
  }
);
