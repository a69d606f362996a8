/**
 * Multi-region keys at synth: plans in further regions get the stack's provider for the region,
 * the policy document carries each region's plans (format v2), the secret is replicated there
 * and the function's grants cover the region; what cannot work is refused with the field named.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import {
  ManagedApiKey,
  Period,
  RotationService,
  UsagePlan,
  type UsagePlanProps,
} from '../../constructs';
import { renderPolicyDocument } from '../../constructs/policy-document';
import {
  POLICY_DOCUMENT_FORMAT,
  POLICY_DOCUMENT_FORMAT_REGIONS,
  type PolicyDocument,
} from '../../contract';
import { newStack, resourcesOf, synthJson } from '../support/stack';

function plan(stack: TerraformStack, id: string, props: Partial<UsagePlanProps> = {}) {
  return new UsagePlan(stack, id, {
    name: id,
    apiStages: [{ api: `api-${id}`, stage: 'v1' }],
    ...props,
  });
}

/** A service with one consumer in us-east-1 (the stack's region) and eu-west-1. */
function twoRegions() {
  const stack = newStack();
  const service = new RotationService(stack, 'Rotation', { serviceName: 'orders' });
  const gold = plan(stack, 'Gold');
  const goldEu = plan(stack, 'GoldEu', {
    region: 'eu-west-1',
    quota: { limit: 500, period: Period.DAY },
  });
  const bulkEu = plan(stack, 'BulkEu', { region: 'eu-west-1' });
  new ManagedApiKey(stack, 'Acme', {
    consumer: 'acme',
    usagePlans: [gold, goldEu, bulkEu],
    replicaRegions: ['ap-south-1'],
  });
  return { stack, service };
}

function documentOf(service: RotationService): PolicyDocument {
  return JSON.parse(renderPolicyDocument(service, 'orders').document) as PolicyDocument;
}

describe('multi-region keys', () => {
  test('a plan with a region is made through an aliased provider that copies the default one', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', {
      region: 'us-east-1',
      endpoints: [{ apigateway: 'http://127.0.0.1:5000' }],
      skipCredentialsValidation: true,
    });
    plan(stack, 'GoldEu', { region: 'eu-west-1' });
    plan(stack, 'FreeEu', { region: 'eu-west-1' });
    const json = JSON.parse(Testing.synth(stack)) as {
      provider: { aws: Record<string, unknown>[] };
    };
    const regional = json.provider.aws.filter((p) => p.alias !== undefined);
    expect(regional).toEqual([
      expect.objectContaining({
        alias: 'eu-west-1',
        region: 'eu-west-1',
        endpoints: [expect.objectContaining({ apigateway: 'http://127.0.0.1:5000' })],
        skip_credentials_validation: true,
      }),
    ]);
    const plans = resourcesOf(JSON.parse(Testing.synth(stack)), 'aws_api_gateway_usage_plan');
    expect(plans.map((p) => p.provider)).toEqual(['aws.eu-west-1', 'aws.eu-west-1']);
  });

  test('the policy document carries each further region with its plans and quotas (format v2)', () => {
    const { service } = twoRegions();
    const doc = documentOf(service);
    expect(doc.format).toBe(POLICY_DOCUMENT_FORMAT_REGIONS);
    const [acme] = doc.consumers;
    // Plan ids are apply-time values: the document refers to them by index.
    expect(acme.usagePlanIds).toEqual([{ value: 0 }]);
    expect(acme.planQuotas).toBeUndefined();
    expect(acme.regions).toEqual([
      {
        region: 'eu-west-1',
        usagePlanIds: [{ value: 1 }, { value: 2 }],
        planQuotas: [{ planId: { value: 1 }, limit: 500, period: 'DAY', offset: 0 }],
      },
    ]);
  });

  test('a document with no further region stays format v1', () => {
    const stack = newStack();
    const service = new RotationService(stack, 'Rotation', { serviceName: 'orders' });
    new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: [plan(stack, 'Gold')] });
    expect(documentOf(service).format).toBe(POLICY_DOCUMENT_FORMAT);
  });

  test('the secret is replicated to each key region besides the declared replicas', () => {
    const { stack } = twoRegions();
    const [secret] = resourcesOf(synthJson(stack), 'aws_secretsmanager_secret');
    expect(secret.replica).toEqual([{ region: 'ap-south-1' }, { region: 'eu-west-1' }]);
  });

  test('a key region already among the replicas is not repeated', () => {
    const stack = newStack();
    new ManagedApiKey(stack, 'Acme', {
      consumer: 'acme',
      usagePlans: [plan(stack, 'Gold'), plan(stack, 'GoldEu', { region: 'eu-west-1' })],
      replicaRegions: ['eu-west-1'],
    });
    const [secret] = resourcesOf(synthJson(stack), 'aws_secretsmanager_secret');
    expect(secret.replica).toEqual([{ region: 'eu-west-1' }]);
  });

  test("the function's API Gateway grants cover each key region, with the same conditions", () => {
    const { stack } = twoRegions();
    const [policy] = resourcesOf(synthJson(stack), 'aws_iam_role_policy');
    const doc = JSON.parse(String(policy.policy)) as {
      Statement: { Sid: string; Resource: string[]; Condition?: unknown }[];
    };
    const create = doc.Statement.find((s) => s.Sid === 'CreateApiKeysTaggedForThisService')!;
    expect(create.Resource).toEqual([
      expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.[^}]+\}:apigateway:\$\{data\.aws_region\.[^}]+\}::\/apikeys$/
      ),
      expect.stringMatching(/:apigateway:eu-west-1::\/apikeys$/),
    ]);
    expect(create.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/keyplane:service': 'orders' },
    });
    const join = doc.Statement.find((s) => s.Sid === 'JoinThisServicesUsagePlans')!;
    expect(join.Resource.filter((arn) => arn.includes(':eu-west-1::'))).toHaveLength(1);
  });

  test('fails when a plan names a region AWS does not have', () => {
    const stack = newStack();
    expect(() => plan(stack, 'GoldMars', { region: 'mars-north-1' })).toThrow(
      /test\/GoldMars: region must be an AWS region such as "eu-west-1", got "mars-north-1"/
    );
  });

  test("fails when a plan names the stack's own region", () => {
    const stack = newStack();
    expect(() => plan(stack, 'GoldUs', { region: 'us-east-1' })).toThrow(
      /test\/GoldUs: region must not be the stack's own region \(leave region out for a plan there\), got "us-east-1"/
    );
  });

  test('fails when a consumer with further regions adopts a key', () => {
    const stack = newStack();
    expect(
      () =>
        new ManagedApiKey(stack, 'Acme', {
          consumer: 'acme',
          usagePlans: [plan(stack, 'Gold'), plan(stack, 'GoldEu', { region: 'eu-west-1' })],
          adoptKeyId: 'abc123',
        })
    ).toThrow(
      /test\/Acme: adoptKeyId must not be set for a consumer with usage plans in further regions \(eu-west-1\)/
    );
  });

  test('counts the 10-plans limit per region', () => {
    const stack = newStack();
    const eu = Array.from({ length: 11 }, (_, i) => plan(stack, `Eu${i}`, { region: 'eu-west-1' }));
    const us = Array.from({ length: 10 }, (_, i) => plan(stack, `Us${i}`));
    expect(
      () =>
        new ManagedApiKey(stack, 'Ok', { consumer: 'ok', usagePlans: [...us, ...eu.slice(0, 10)] })
    ).not.toThrow();
    expect(() => new ManagedApiKey(stack, 'Acme', { consumer: 'acme', usagePlans: eu })).toThrow(
      /usagePlans must hold at most 10 plans per region .*got "11 plans in eu-west-1"/
    );
  });

  test("the function's environment names the further regions for keyplane status, only when there are some", () => {
    const { stack } = twoRegions();
    const [fn] = resourcesOf(synthJson(stack), 'aws_lambda_function');
    expect(fn.environment).toMatchObject({ variables: { KEYPLANE_KEY_REGIONS: 'eu-west-1' } });

    const single = newStack();
    new ManagedApiKey(single, 'Acme', { consumer: 'acme', usagePlans: [plan(single, 'Gold')] });
    const [plain] = resourcesOf(synthJson(single), 'aws_lambda_function');
    expect(Object.keys((plain.environment as { variables: object }).variables)).not.toContain(
      'KEYPLANE_KEY_REGIONS'
    );
  });
});
