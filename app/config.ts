import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { AWS_REGIONS } from '../contract/aws-limits';
import { CONSUMER_NAME_PATTERN, CONSUMER_NAME_RULE } from '../contract/policy-rules';
import {
  consumerFields,
  dedicatedPlanFields,
  rotationFields,
  stageFields,
  textMap,
  usagePlanFields,
} from './config-fields';

/**
 * The platform app's declarative configuration (keyplane.config.json). Every field that sets a
 * construct prop comes from app/config-fields.ts, which gives only its JSON form: its rules are
 * the construct's (checked when the stack is built, reported at the field's JSON path by
 * app/config-issues.ts), its description and default the prop's doc comment. What is declared
 * here is the config's own structure: environments, names, stages, backend, demo API.
 */

const name = z.string().regex(CONSUMER_NAME_PATTERN, `must ${CONSUMER_NAME_RULE}`);

const apiStage = z
  .strictObject({
    api: z
      .string()
      .min(1)
      .optional()
      .describe('"demo" for the demo API of this environment (instead of restApiId and stage).'),
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
    ...stageFields,
  })
  .refine((s) => (s.api === 'demo') !== (s.restApiId !== undefined && s.stage !== undefined), {
    message: 'must be either {"api": "demo"} or {"restApiId": ..., "stage": ...}',
  });

const usagePlan = z.strictObject({
  ...usagePlanFields,
  apiStages: z
    .array(apiStage.describe('One API stage the plan opens.'))
    .default([])
    .describe('API stages the plan opens to its keys. Default: [].'),
});

const consumer = z.strictObject({
  plans: z
    .array(z.string())
    .default([])
    .describe(
      'Names of usagePlans of this environment the key belongs to (at most 10). Default: [].'
    ),
  dedicatedPlan: z
    .strictObject({
      ...dedicatedPlanFields,
      apiStages: z
        .array(apiStage.describe('One API stage the plan opens.'))
        .describe('API stages the plan opens (at least one).'),
    })
    .optional()
    .meta({ prop: 'ManagedApiKeyProps.dedicatedPlan' }),
  ...consumerFields,
});

const s3Backend = z.strictObject({
  bucket: z.string().min(1).describe('S3 bucket of the state.'),
  key: z.string().min(1).describe('Object key of the state file.'),
  region: z.string().min(1).describe('Region of the bucket.'),
  dynamodbTable: z
    .string()
    .min(1)
    .optional()
    .describe('DynamoDB table that locks the state. Default: no locking.'),
});

const environment = z.strictObject({
  region: z
    .string()
    .refine((region) => AWS_REGIONS.includes(region), 'must be an AWS region such as "us-east-1"')
    .describe('AWS region of the stack.'),
  backend: z
    .union(
      [
        z.strictObject({ s3: s3Backend.describe('Remote state in S3.') }),
        z.strictObject({
          local: z
            .strictObject({ path: z.string().min(1).describe('State file path.') })
            .describe('State in a local file.'),
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
    .strictObject({
      name: z.string().min(1).describe('Name of the REST API.'),
      stageName: z.string().min(1).describe('Name of its stage.'),
    })
    .optional()
    .describe(
      'A small MOCK REST API (GET/POST /pets, API key required) to try keys against. Default: none.'
    ),
  rotation: z
    .strictObject(rotationFields)
    .optional()
    .describe(
      "Settings of the environment's rotation service and its alarms. Default: all defaults."
    ),
  tags: textMap.optional().describe('Default tags of every resource. Default: none.'),
  shards: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'How many stacks (each a rotation service with its own copy of the usage plans) the consumers are spread over, by a hash of the consumer name; at most 1,000 consumers a shard. Set it once: changing it moves consumers between stacks and states. Default: 1.'
    ),
  usagePlans: z
    .record(
      name,
      usagePlan.describe('One usage plan; its name is <service>-<plan> in API Gateway.')
    )
    .describe('Usage plans by name. May be {}.'),
  consumers: z
    .record(name, consumer.describe("One consumer: its secret, key and the key's plans."))
    .describe('API consumers by name. May be {}.'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON schema reference for editors. Ignored.'),
  environments: z
    .record(
      name,
      environment.describe(
        'One stack; its name names the rotation service (keyplane-<environment>) and the secrets (keyplane/<environment>/<consumer>).'
      )
    )
    .refine((envs) => Object.keys(envs).length > 0, 'must declare at least one environment')
    .describe('The environments, by name; at least one.'),
});

export type KeyplaneConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environment>;
export type ApiStageConfig = z.output<typeof apiStage>;

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
