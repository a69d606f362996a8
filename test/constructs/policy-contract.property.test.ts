import fc from 'fast-check';
import {
  Duration,
  KeyplaneValidationError,
  KeyRotationSchedule,
  ManagedApiKey,
  RotationService,
  UsagePlan,
} from '../../constructs';
import {
  consumerPolicyTags,
  isPolicyTagProblem,
  isScheduleProblem,
  LambdaEnv,
  MAX_GRACE_PERIOD_SECONDS,
  MAX_HOLD_SECONDS,
  MAX_QUIET_PERIOD_SECONDS,
  nextRotationAfter,
  parseRotationSchedule,
  readConsumerPolicyTags,
  SecretTag,
  type ConsumerPolicy,
} from '../../contract';
import { readEnv } from '../../lambdas/rotation/env';
import { writePolicyFile } from '../lambdas/rotation/support/policy-file';
import { newStack, resourcesOf, synthJson } from '../support/stack';

/** Schedules across and beyond what Secrets Manager accepts. */
const schedule = fc.oneof(
  fc.integer({ min: 0, max: 1_200 }).map((n) => `rate(${n} days)`),
  fc.integer({ min: 0, max: 30 }).map((n) => `rate(${n} hours)`),
  fc.constantFrom(
    'cron(0 8 ? * MON *)',
    'cron(0 */6 * * ? *)',
    'cron(0 0 31 * ? *)',
    'cron(0 0 30 2 ? *)',
    'cron(0 4 L * ? *)',
    'cron(0 0,2 * * ? *)'
  )
);
const consumer = fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/);
const keyPrefix = fc.option(fc.stringMatching(/^[A-Za-z0-9_]{0,95}$/), { nil: undefined });
/** Grace periods in minutes, up to two years. */
const graceMinutes = fc.integer({ min: 0, max: 2 * 366 * 24 * 60 });

function tryKey(props: {
  consumer: string;
  schedule: string;
  graceMinutes: number;
  keyPrefix?: string;
}): Record<string, string> | undefined {
  const stack = newStack();
  const plan = new UsagePlan(stack, 'Plan', {
    name: 'p',
    apiStages: [{ api: 'a1', stage: 's' }],
  });
  try {
    new ManagedApiKey(stack, 'Key', {
      consumer: props.consumer,
      usagePlans: [plan],
      schedule: KeyRotationSchedule.expression(props.schedule),
      gracePeriod: Duration.minutes(props.graceMinutes),
      keyPrefix: props.keyPrefix,
    });
  } catch (error) {
    if (error instanceof KeyplaneValidationError) return undefined;
    throw error;
  }
  const [secret] = resourcesOf(synthJson(stack), 'aws_secretsmanager_secret');
  return secret.tags as Record<string, string>;
}

describe('the policy contract', () => {
  test('every policy the constructs accept is one the rotation function accepts', () => {
    fc.assert(
      fc.property(
        consumer,
        schedule,
        graceMinutes,
        keyPrefix,
        (name, expression, grace, prefix) => {
          const tags = tryKey({
            consumer: name,
            schedule: expression,
            graceMinutes: grace,
            keyPrefix: prefix,
          });
          if (tags === undefined) return;
          // Terraform fills in the plan ids; any real id stands in for the expression.
          const policy = readConsumerPolicyTags({ ...tags, [SecretTag.USAGE_PLANS]: 'abc123' });
          expect(isPolicyTagProblem(policy)).toBe(false);
          const spec = parseRotationSchedule(expression);
          expect(isScheduleProblem(spec)).toBe(false);
          if (!isScheduleProblem(spec)) {
            expect(nextRotationAfter(spec, new Date(Date.UTC(2027, 5, 1)))).toBeInstanceOf(Date);
          }
        }
      ),
      { numRuns: 150 }
    );
  });

  test('every retention and overdue margin the service accepts is one the function accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 * 366 * 24 }),
        fc.integer({ min: 0, max: 12 * 366 * 24 }),
        (retentionHours, marginHours) => {
          const stack = newStack();
          let service: RotationService;
          try {
            service = new RotationService(stack, 'Rotation', {
              deleteRetiredAfter: Duration.hours(retentionHours),
              overdueMargin: Duration.hours(marginHours),
            });
          } catch (error) {
            if (error instanceof KeyplaneValidationError) return;
            throw error;
          }
          const [fn] = resourcesOf(synthJson(stack), 'aws_lambda_function');
          const variables = (fn.environment as { variables: Record<string, string> }).variables;
          const env = readEnv({
            ...variables,
            AWS_REGION: 'us-east-1',
            // A reference to the stack's HMAC key at synth; Terraform writes its id.
            [LambdaEnv.OWNERSHIP_KEY_ID]: '1234abcd-12ab-34cd-56ef-1234567890ab',
            // A service without consumers: an empty document, no values.
            [LambdaEnv.POLICY_VALUES]: '[]',
            [LambdaEnv.POLICY_FILE]: writePolicyFile(service.serviceName, []),
          });
          expect(env.deleteAfterSeconds).toBe(retentionHours * 3600);
          expect(env.overdueMarginSeconds).toBe(marginHours * 3600);
          expect(variables[LambdaEnv.SERVICE]).toBe(service.serviceName);
        }
      ),
      { numRuns: 30 }
    );
  });

  test('a policy survives the round trip through tags exactly', () => {
    const policy: fc.Arbitrary<ConsumerPolicy> = fc.record(
      {
        consumer: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
        usagePlanIds: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9]{1,64}$/), {
          minLength: 1,
          maxLength: 10,
        }),
        gracePeriodSeconds: fc.integer({ min: 0, max: MAX_GRACE_PERIOD_SECONDS }),
        keyPrefix: fc.stringMatching(/^[A-Za-z0-9]{0,90}$/),
        healthCheckUrl: fc.constantFrom(
          'https://api.example.com/health',
          'http://127.0.0.1:8080/ping'
        ),
        carryQuota: fc.boolean(),
        quotaSlackPercent: fc.integer({ min: 0, max: 100 }),
        quietPeriodSeconds: fc.integer({ min: 0, max: MAX_QUIET_PERIOD_SECONDS }),
        maxHoldSeconds: fc.integer({ min: 0, max: MAX_HOLD_SECONDS }),
      },
      {
        requiredKeys: [
          'consumer',
          'usagePlanIds',
          'gracePeriodSeconds',
          'keyPrefix',
          'carryQuota',
          'quotaSlackPercent',
          'quietPeriodSeconds',
          'maxHoldSeconds',
        ],
      }
    );
    fc.assert(
      fc.property(policy, (original) => {
        expect(readConsumerPolicyTags(consumerPolicyTags(original))).toEqual(original);
      }),
      { numRuns: 500 }
    );
  });
});
