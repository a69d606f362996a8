/**
 * Shared test data for the rotation Lambda's tests: the environment, a consumer's tags, a
 * runtime wired to mocked clients.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  isPolicyTagProblem,
  KeyTag,
  readConsumerPolicyTags,
  SecretTag,
  type ConsumerPolicy,
} from '../../../../contract';
import { readConsumerPolicy } from '../../../../lambdas/rotation/consumer-policy';
import type { RotationEnv } from '../../../../lambdas/rotation/env';
import { createRuntime, type HttpGet, type Runtime } from '../../../../lambdas/rotation/runtime';
import type { SecretState } from '../../../../lambdas/rotation/secret-store';
import type { StepContext } from '../../../../lambdas/rotation/steps/step-context';
import { OWNERSHIP_KEY_ID, REGION, type FakeAws, type FakeSecret } from './fake-aws';

export const SERVICE = 'orders-api';
export const PREFIX = 'keyplane/orders-api/';
export const NOW = new Date('2025-06-01T12:00:00.000Z');
export const TOKEN = '0a1b2c3d-1111-4222-8333-444455556666';
export const TOKEN_2 = '9f8e7d6c-aaaa-4bbb-8ccc-ddddeeeeffff';
export const TOKEN_3 = '5e6f7a8b-cccc-4ddd-8eee-ffff00001111';

/** The deployer's policy of consumer `checkout`: two plans, one hour of grace, prefix. */
export const CHECKOUT_POLICY: ConsumerPolicy = {
  consumer: 'checkout',
  usagePlanIds: ['plangold', 'planbulk'],
  gracePeriodSeconds: 3600,
  keyPrefix: 'ordK',
  carryQuota: true,
  quotaSlackPercent: DEFAULT_QUOTA_SLACK_PERCENT,
  quietPeriodSeconds: DEFAULT_QUIET_PERIOD_SECONDS,
  maxHoldSeconds: DEFAULT_MAX_HOLD_SECONDS,
};

/** What the deployer declared: `checkout`, and the other names the tests seed under PREFIX. */
export function declaredConsumers(
  overrides: Record<string, Partial<ConsumerPolicy>> = {}
): Map<string, ConsumerPolicy> {
  const names = new Set([
    ...['checkout', 'gone-soon', 'fresh', 'keyless', 'paused', 'leaving'],
    ...Object.keys(overrides),
  ]);
  const policies = new Map<string, ConsumerPolicy>();
  for (const name of names) {
    policies.set(`${PREFIX}${name}`, { ...CHECKOUT_POLICY, ...overrides[name] });
  }
  return policies;
}

export const ENV: RotationEnv = {
  service: SERVICE,
  secretPrefix: PREFIX,
  deleteAfterSeconds: 7 * 24 * 3600,
  overdueMarginSeconds: 2 * 24 * 3600,
  region: REGION,
  ownershipKeyId: OWNERSHIP_KEY_ID,
  consumers: declaredConsumers(),
  reservedConcurrency: 1,
};

/** ENV whose deployer policy of `checkout` (or another declared name) is changed. */
export function envWithPolicy(
  overrides: Record<string, Partial<ConsumerPolicy>>,
  more: Partial<RotationEnv> = {}
): RotationEnv {
  return { ...ENV, consumers: declaredConsumers(overrides), ...more };
}

/**
 * The deployer's policy of `checkout` as these policy tags would state it, for tests that vary
 * it: the function obeys its document, never the tags, so both must say the same. `untagged`
 * adds what only the document carries (the plans' quotas).
 */
export function envFromPolicyTags(
  tags: Record<string, string | undefined>,
  more: Partial<RotationEnv> = {},
  untagged: Pick<ConsumerPolicy, 'planQuotas'> = {}
): RotationEnv {
  const policy = readConsumerPolicyTags(consumerTags(tags));
  if (isPolicyTagProblem(policy)) throw new Error(`test policy tags: ${policy.tag} ${policy.rule}`);
  return envWithPolicy({ checkout: { ...policy, ...untagged } }, more);
}

/**
 * Consumer `checkout` in the policy's tag form (two plans, one hour of grace, prefix): the
 * tests' deployer document is read from it, and fake secrets carry it as tags.
 */
export function consumerTags(
  overrides: Record<string, string | undefined> = {}
): Record<string, string> {
  const tags: Record<string, string | undefined> = {
    [SecretTag.SERVICE]: SERVICE,
    [SecretTag.CONSUMER]: 'checkout',
    [SecretTag.USAGE_PLANS]: 'plangold planbulk',
    [SecretTag.GRACE_PERIOD_SECONDS]: '3600',
    [SecretTag.KEY_PREFIX]: 'ordK',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(tags).filter((entry): entry is [string, string] => entry[1] !== undefined)
  );
}

/** The tags the function writes on a key it made for a version. */
export function originTagsFor(secret: FakeSecret, versionId: string): Record<string, string> {
  return {
    [KeyTag.SERVICE]: SERVICE,
    [KeyTag.SECRET_ARN]: secret.arn,
    [KeyTag.SECRET_VERSION]: versionId,
  };
}

export interface TestClock {
  now: Date;
}

export function testRuntime(
  options: {
    clock?: TestClock;
    httpGet?: HttpGet;
    env?: RotationEnv;
    /** The fakes of further regions (new FakeAws({ region })), by region. */
    regions?: readonly FakeAws[];
  } = {}
): Runtime {
  const clock = options.clock ?? { now: NOW };
  return createRuntime(
    options.env ?? ENV,
    {
      secretsManager: new SecretsManagerClient({ region: REGION }),
      apiGateway: new APIGatewayClient({ region: REGION }),
      kms: new KMSClient({ region: REGION }),
      apiGatewayIn: (region) => {
        const fake = options.regions?.find((r) => r.region === region);
        if (fake === undefined) throw new Error(`no fake API Gateway in ${region}`);
        return fake.apiGatewayClient();
      },
    },
    {
      now: () => clock.now,
      httpGet:
        options.httpGet ??
        (() => Promise.reject(new Error('no HTTP in unit tests unless a test provides it'))),
    }
  );
}

/** The secret as DescribeSecret shows it now, through the store. */
export async function describe(runtime: Runtime, secret: FakeSecret): Promise<SecretState> {
  const state = await runtime.secrets.describe(secret.arn);
  if (state === undefined) throw new Error('secret vanished');
  return state;
}

/** A step context as rotation.ts builds it. */
export async function stepContext(
  runtime: Runtime,
  secret: FakeSecret,
  token: string
): Promise<StepContext> {
  const state = await describe(runtime, secret);
  return {
    runtime,
    secret: state,
    policy: readConsumerPolicy(runtime, state, 'createSecret'),
    token,
  };
}

/** A managed secret with the bootstrap placeholder and the two plans it declares. */
export function seedConsumer(
  fake: FakeAws,
  options: {
    name?: string;
    tags?: Record<string, string | undefined>;
    rotationEnabled?: boolean;
  } = {}
): FakeSecret {
  for (const plan of ['plangold', 'planbulk']) {
    if (!fake.plans.has(plan)) fake.addPlan(plan);
  }
  return fake.addSecret({
    name: options.name ?? `${PREFIX}checkout`,
    tags: consumerTags(options.tags),
    rotationEnabled: options.rotationEnabled,
  });
}
