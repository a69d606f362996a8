import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { DURATION_PATTERN } from '../constructs/duration';
import { Period } from '../constructs/usage-plan';

/**
 * The platform app's declarative configuration (keyplane.config.json), checked by zod so a
 * mistake is reported with its JSON path before any construct is made. Construct rules that
 * span fields (schedule intervals, key lengths, plan conflicts) are checked by the constructs.
 */

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit'
  );
const duration = z
  .string()
  .regex(DURATION_PATTERN, 'must be a whole number followed by m, h or d (e.g. "24h")');

const throttle = z.strictObject({
  rateLimit: z.number().positive().describe('Requests per second.'),
  burstLimit: z.number().int().nonnegative().describe('Requests allowed in a burst.'),
});

const quota = z.strictObject({
  limit: z.number().int().positive().describe('Requests allowed per period.'),
  period: z.enum(Period).describe('DAY, WEEK or MONTH.'),
  offset: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Days the period start is moved by (DAY 0, WEEK 0-6, MONTH 0-27). Default 0.'),
});

const apiStage = z
  .strictObject({
    api: z.string().min(1).optional().describe('"demo" for the demo API of this environment.'),
    restApiId: z
      .string()
      .min(1)
      .optional()
      .describe('Id of an existing REST API (instead of api).'),
    stage: z
      .string()
      .min(1)
      .optional()
      .describe('Stage name of the existing REST API. Required with restApiId.'),
    methodThrottles: z
      .record(z.string(), throttle)
      .optional()
      .describe('Throttles keyed "/resource/path/METHOD".'),
  })
  .refine((s) => (s.api === 'demo') !== (s.restApiId !== undefined && s.stage !== undefined), {
    message: 'must be either {"api": "demo"} or {"restApiId": ..., "stage": ...}',
  });

const usagePlan = z.strictObject({
  description: z.string().optional(),
  quota: quota.optional(),
  throttle: throttle.optional(),
  apiStages: z.array(apiStage).default([]),
  tags: z.record(z.string(), z.string()).optional(),
});

const consumer = z.strictObject({
  plans: z.array(z.string()).default([]).describe('Names of usagePlans of this environment.'),
  dedicatedPlan: z
    .strictObject({
      quota: quota.optional(),
      throttle: throttle.optional(),
      apiStages: z.array(apiStage).min(1),
    })
    .optional()
    .describe('A plan for this consumer alone.'),
  schedule: z
    .string()
    .optional()
    .describe('rate(N hours|days) or cron(...). Default rate(30 days).'),
  rotationWindow: duration
    .optional()
    .describe('Window to start a scheduled rotation in, e.g. "3h".'),
  gracePeriod: duration
    .optional()
    .describe('How long the outgoing key keeps working. Default "24h".'),
  keyPrefix: z
    .string()
    .optional()
    .describe('Letters and digits that start each key. Default: from the consumer name.'),
  readers: z
    .array(z.string())
    .optional()
    .describe('IAM principal ARNs allowed to read the secret.'),
  secretName: z
    .string()
    .optional()
    .describe('Secret name under the environment prefix. Default: the consumer name.'),
  recoveryWindowInDays: z.number().int().optional().describe('0 or 7-30. Default 30.'),
  replicaRegions: z.array(z.string()).optional(),
  healthCheckUrl: z.url().optional().describe('Called with the new key before it goes live.'),
  tags: z.record(z.string(), z.string()).optional(),
});

const s3Backend = z.strictObject({
  bucket: z.string().min(1),
  key: z.string().min(1),
  region: z.string().min(1),
  dynamodbTable: z.string().min(1).optional().describe('Table that locks the state.'),
});

const environment = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "us-east-1"'),
  backend: z
    .union(
      [
        z.strictObject({ s3: s3Backend }),
        z.strictObject({
          local: z.strictObject({ path: z.string().min(1).describe('State file path.') }),
        }),
      ],
      {
        error:
          'must be {"s3": {"bucket", "key", "region", "dynamodbTable"?}} or {"local": {"path"}}, each a non-empty string',
      }
    )
    .optional()
    .describe(
      'Where Terraform keeps state. Default: terraform.<environment>.tfstate in the working folder.'
    ),
  demoApi: z
    .strictObject({ name: z.string().min(1), stageName: z.string().min(1) })
    .optional()
    .describe('A small MOCK REST API to try keys against.'),
  rotation: z
    .strictObject({
      deleteRetiredAfter: duration.optional(),
      logRetentionDays: z.number().int().optional(),
      reservedConcurrency: z.number().int().positive().optional(),
    })
    .optional(),
  tags: z.record(z.string(), z.string()).optional().describe('Default tags of every resource.'),
  usagePlans: z.record(name, usagePlan),
  consumers: z.record(name, consumer),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  environments: z
    .record(name, environment)
    .refine((envs) => Object.keys(envs).length > 0, 'must declare at least one environment'),
});

export type KeyplaneConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environment>;
export type ApiStageConfig = z.infer<typeof apiStage>;

/** Thrown for a configuration file that cannot be read or breaks the schema. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The config file: KEYPLANE_CONFIG, or keyplane.config.json in `root`. */
export function configPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(root, env.KEYPLANE_CONFIG ?? 'keyplane.config.json');
}

/** Reads and validates a config file; every schema violation is listed with its JSON path. */
export function loadConfig(file: string): KeyplaneConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the keyplane config: ${(error as Error).message}`);
  }
  return parseConfig(raw, file);
}

/** Validates parsed JSON against the schema; `source` names it in errors. */
export function parseConfig(raw: unknown, source: string): KeyplaneConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const at = issue.path.length
      ? issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .slice(1)
      : '(root)';
    const got = issue.path.length ? valueAt(raw, issue.path) : undefined;
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message ?? issue.message;
      return `  ${at.replace(/\.\[/g, '[')}: the name ${reason}`;
    }
    return `  ${at.replace(/\.\[/g, '[')}: ${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`;
  });
  throw new ConfigError(`${source}: the keyplane config is invalid:\n${lines.join('\n')}`);
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return typeof node === 'object' ? undefined : node;
}
