/**
 * The deployer's policy document: synth ships it inside the function's code, with apply-time
 * values in KEYPLANE_POLICY_VALUES, and the function reads back exactly what was declared.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformVariable, Testing } from 'cdktf';
import { unzipSync } from 'fflate';
import { ManagedApiKey, Period, RotationService, UsagePlan, Duration } from '../../constructs';
import {
  DEFAULT_MAX_HOLD_SECONDS,
  DEFAULT_QUIET_PERIOD_SECONDS,
  DEFAULT_QUOTA_SLACK_PERCENT,
  LambdaEnv,
  literalPolicyDocument,
  POLICY_DOCUMENT_FILE,
  readDeployerPolicies,
} from '../../contract';
import { DEFAULT_BLAST_RADIUS } from '../../contract/blast-radius';
import { loadDeployerPolicies } from '../../lambdas/rotation/deployer-policy';
import { newStack, resourcesOf, synthJson } from '../support/stack';

function platform() {
  const stack = newStack();
  new RotationService(stack, 'Rotation', { serviceName: 'orders' });
  const gold = new UsagePlan(stack, 'Gold', {
    name: 'gold',
    quota: { limit: 10_000, period: Period.MONTH, offset: 3 },
    apiStages: [{ api: 'a1', stage: 'v1' }],
  });
  const bulk = new UsagePlan(stack, 'Bulk', {
    name: 'bulk',
    apiStages: [{ api: 'a2', stage: 'v1' }],
  });
  const probe = new TerraformVariable(stack, 'probe', { type: 'string' });
  new ManagedApiKey(stack, 'Checkout', {
    consumer: 'checkout',
    maxLiveKeys: 1,
    maxRetainedKeys: 5,
    rotateCoolDown: Duration.minutes(0),
    revokeCoolDown: Duration.hours(1),
    usagePlans: [gold, bulk],
    gracePeriod: Duration.hours(1),
    healthCheckUrl: 'https://api.example.com/health',
  });
  new ManagedApiKey(stack, 'Search', {
    consumer: 'search',
    usagePlans: [gold],
    healthCheckUrl: probe.stringValue,
  });
  return stack;
}

/** Gold's quota as declared, with the id Terraform gave the plan; bulk has no quota. */
const GOLD_QUOTA = { planId: 'gold1', limit: 10_000, period: 'MONTH', offset: 3 };

/** Quota carry and traffic watching as a consumer gets them when it states none. */
const USAGE_DEFAULTS = {
  carryQuota: true,
  quotaSlackPercent: DEFAULT_QUOTA_SLACK_PERCENT,
  quietPeriodSeconds: DEFAULT_QUIET_PERIOD_SECONDS,
  maxHoldSeconds: DEFAULT_MAX_HOLD_SECONDS,
};

describe('the policy document', () => {
  test('synth ships it in the code; the function reads back each consumer by secret name', () => {
    const stack = platform();
    const outdir = Testing.fullSynth(stack);
    const stackDir = path.join(outdir, 'stacks', 'test');
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
    const [fn] = resourcesOf(json, 'aws_lambda_function');
    const files = unzipSync(fs.readFileSync(path.join(stackDir, String(fn.filename))));
    expect(Object.keys(files).sort()).toEqual(['index.js', 'index.js.map', POLICY_DOCUMENT_FILE]);

    // Terraform fills in the values: plan ids and the token-valued URL, in document order.
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    const refs = /^\$\{jsonencode\(\[(.*)\]\)\}$/.exec(variables[LambdaEnv.POLICY_VALUES])![1];
    const applied = refs
      .split(', ')
      .map((ref) =>
        ref.startsWith('aws_api_gateway_usage_plan.Gold')
          ? 'gold1'
          : ref.startsWith('aws_api_gateway_usage_plan.Bulk')
            ? 'bulk2'
            : 'https://probe.example.com/h'
      );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-doc-')), 'doc.json');
    fs.writeFileSync(file, files[POLICY_DOCUMENT_FILE]);

    const policies = loadDeployerPolicies(
      { [LambdaEnv.POLICY_FILE]: file, [LambdaEnv.POLICY_VALUES]: JSON.stringify(applied) },
      'orders'
    );

    expect([...policies]).toEqual([
      [
        'keyplane/test/checkout',
        {
          consumer: 'checkout',
          usagePlanIds: ['gold1', 'bulk2'],
          gracePeriodSeconds: 3600,
          keyPrefix: 'checkout',
          healthCheckUrl: 'https://api.example.com/health',
          ...USAGE_DEFAULTS,
          planQuotas: [GOLD_QUOTA],
          // Only the document carries them, as the deployer declared them.
          blastRadius: {
            maxLiveKeys: 1,
            maxRetainedKeys: 5,
            rotateCoolDownSeconds: 0,
            revokeCoolDownSeconds: 3600,
          },
        },
      ],
      [
        'keyplane/test/search',
        {
          consumer: 'search',
          usagePlanIds: ['gold1'],
          gracePeriodSeconds: 86400,
          keyPrefix: 'search',
          healthCheckUrl: 'https://probe.example.com/h',
          ...USAGE_DEFAULTS,
          planQuotas: [GOLD_QUOTA],
          blastRadius: DEFAULT_BLAST_RADIUS,
        },
      ],
    ]);
    // Each value once, however many consumers refer to it.
    expect(applied).toEqual(['gold1', 'bulk2', 'https://probe.example.com/h']);
  });

  test.each([
    [{ planId: 'other1' }, 'planQuotas[0].planId', "must be one of the consumer's usagePlanIds"],
    [{ limit: 0 }, 'planQuotas[0].limit', 'must be a positive whole number of requests'],
    [{ period: 'YEAR' }, 'planQuotas[0].period', 'must be DAY, WEEK or MONTH'],
    [{ offset: 7 }, 'planQuotas[0].offset', 'must be a whole number of days from 0 to 6 for WEEK'],
  ])('a plan quota with %j is refused, naming the field', (change, field, rule) => {
    const quota = { planId: 'gold1', limit: 100, period: 'WEEK', offset: 0, ...change };
    const document = literalPolicyDocument('orders', [
      [
        'keyplane/test/checkout',
        {
          consumer: 'checkout',
          usagePlanIds: ['gold1'],
          gracePeriodSeconds: 3600,
          keyPrefix: '',
          ...USAGE_DEFAULTS,
          planQuotas: [quota as typeof GOLD_QUOTA & { period: 'WEEK' }],
        },
      ],
    ]);

    expect(readDeployerPolicies(JSON.stringify(document), '[]', 'orders')).toEqual({
      field: `consumers[0].${field}`,
      rule,
    });
  });

  test('the same declarations make the same package, byte for byte', () => {
    const code = () => {
      const [fn] = resourcesOf(synthJson(platform()), 'aws_lambda_function');
      return [fn.filename, fn.source_code_hash];
    };
    expect(code()).toEqual(code());
  });

  test("fails at synth when the policy values could pass Lambda's 4 KB environment limit", () => {
    const stack = newStack();
    new RotationService(stack, 'Rotation', { serviceName: 'orders' });
    const gold = new UsagePlan(stack, 'Gold', {
      name: 'gold',
      apiStages: [{ api: 'a1', stage: 'v1' }],
    });
    // 15 distinct apply-time URLs, each counted at 256 characters: over 4096 bytes with the rest.
    for (let i = 0; i < 15; i++) {
      const url = new TerraformVariable(stack, `url${i}`, { type: 'string' });
      new ManagedApiKey(stack, `C${i}`, {
        consumer: `c${i}`,
        usagePlans: [gold],
        healthCheckUrl: url.stringValue,
      });
    }
    expect(() => synthJson(stack)).toThrow(
      /environment variables may reach \d+ bytes once applied, over Lambda's limit of 4 KB \(4096 bytes.*KEYPLANE_POLICY_VALUES holds 1 usagePlanId \(each counted at 10 characters\), 15 healthCheckUrl \(each counted at 256 characters\)/
    );
  });
});
