/**
 * The migration guide (docs/migration.md), followed on the local AWS: a plain Terraform stack
 * makes two keys the old way (aws_api_gateway_api_key, whose value Terraform keeps in state, and
 * aws_api_gateway_usage_plan_key), then `removed` blocks take them and their plan out of that
 * state, `keyplane adopt --apply` writes the adoptions into a keyplane.config.json, and
 * `cdktf deploy` imports the plan and adopts the keys. A prober reads both keys all along: at no
 * point is either disabled, out of its plan, or given another value. At the end no state holds a
 * key value, each consumer's secret hands out the key it already had, and the next rotation
 * replaces it as usual. Its own service name on the e2e tier's shared emulator.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { GetApiKeyCommand, GetUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { runCli } from '../../cli/program';
import { KeyTag } from '../../contract/tags';
import { terraformEnv } from '../../scripts/terraform-mirror';
import { filesUnder } from '../support/files';
import { apiGateway, invariantViolations, rotate, viewKey, viewSecret } from './support/aws';
import { cdktf, cdktfOutputs, leaks } from './support/deploy';

jest.setTimeout(600_000);

const ENV = 'migrate';
const SERVICE = `keyplane-${ENV}`;
const CONSUMERS = ['initrode', 'umbrella'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-migrate-'));
const legacyDir = path.join(work, 'legacy');
const configFile = path.join(work, 'keyplane.config.json');
const outdir = path.join(work, 'cdktf.out');

/** The team's stack before keyplane: an API, a plan and two keys, all plain Terraform. */
const LEGACY_STACK = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
resource "aws_api_gateway_rest_api" "orders" { name = "orders-migrate" }
resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "orders"
}
resource "aws_api_gateway_method" "get" {
  rest_api_id      = aws_api_gateway_rest_api.orders.id
  resource_id      = aws_api_gateway_resource.orders.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}
resource "aws_api_gateway_integration" "mock" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.get.http_method
  type        = "MOCK"
}
resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  depends_on  = [aws_api_gateway_integration.mock]
}
resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "prod"
}
output "api_id" { value = aws_api_gateway_rest_api.orders.id }
`;

const KEYS_AND_PLAN = `
resource "aws_api_gateway_usage_plan" "partners" {
  name = "orders-partners"
  api_stages {
    api_id = aws_api_gateway_rest_api.orders.id
    stage  = aws_api_gateway_stage.prod.stage_name
  }
  quota_settings {
    limit  = 5000
    period = "MONTH"
  }
}
${CONSUMERS.map(
  (c) => `
resource "aws_api_gateway_api_key" "${c}" { name = "legacy-${c}" }
resource "aws_api_gateway_usage_plan_key" "${c}" {
  key_id        = aws_api_gateway_api_key.${c}.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.partners.id
}`
).join('\n')}
output "plan_id" { value = aws_api_gateway_usage_plan.partners.id }
output "key_ids" { value = { ${CONSUMERS.map((c) => `${c} = aws_api_gateway_api_key.${c}.id`).join(', ')} } }
`;

/** The guide's step 2: Terraform forgets the keys, their memberships and the plan. */
const REMOVED = ['aws_api_gateway_usage_plan.partners']
  .concat(
    CONSUMERS.flatMap((c) => [
      `aws_api_gateway_api_key.${c}`,
      `aws_api_gateway_usage_plan_key.${c}`,
    ])
  )
  .map((address) => `removed {\n  from = ${address}\n  lifecycle { destroy = false }\n}`)
  .join('\n');

function terraform(...args: string[]): string {
  return execFileSync('terraform', [...args, '-no-color'], {
    cwd: legacyDir,
    env: terraformEnv(),
    encoding: 'utf8',
    stdio: 'pipe',
  });
}

/**
 * Reads the keys again and again until stopped; every read that finds one not working counts.
 * In a worker thread, so it keeps reading while the test waits on Terraform and cdktf (which
 * block the main thread). Values are compared in the worker, never sent back or printed.
 */
const PROBER = `
const { parentPort, workerData } = require('worker_threads');
const { APIGatewayClient, GetApiKeyCommand, GetUsagePlanKeysCommand } = require(workerData.sdk);
const client = new APIGatewayClient({});
const { planId, keys, values } = workerData;
const failures = [];
let reads = 0;
let running = true;
parentPort.on('message', () => { running = false; });
(async () => {
  while (running) {
    const members = await client.send(new GetUsagePlanKeysCommand({ usagePlanId: planId, limit: 500 }));
    const ids = new Set((members.items || []).map((k) => k.id));
    for (const [consumer, keyId] of Object.entries(keys)) {
      const key = await client.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }));
      if (key.enabled !== true) failures.push(consumer + ': key ' + keyId + ' disabled');
      if (key.value !== values[consumer]) failures.push(consumer + ': key ' + keyId + ' changed value');
      if (!ids.has(keyId)) failures.push(consumer + ': key ' + keyId + ' not in plan ' + planId);
      reads++;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  parentPort.postMessage({ failures, reads });
})().catch((error) => parentPort.postMessage({ failures: ['prober failed: ' + error.name], reads }));
`;

function startProber(planId: string, keys: Record<string, string>, values: Record<string, string>) {
  const worker = new Worker(PROBER, {
    eval: true,
    workerData: { sdk: require.resolve('@aws-sdk/client-api-gateway'), planId, keys, values },
  });
  const result = new Promise<{ failures: string[]; reads: number }>((resolve) =>
    worker.once('message', resolve)
  );
  let stopped: Promise<{ failures: string[]; reads: number }> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        worker.postMessage('stop');
        const out = await result;
        await worker.terminate();
        return out;
      })()),
  };
}

async function adoptCli(args: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const code = await runCli(args, {
    io: { out: (t) => out.push(t), err: () => undefined, interactive: false, ask: async () => '' },
    env: process.env,
    cwd: work,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return { code, stdout: out.join('\n') };
}

describe('migrating keys made by Terraform to keyplane', () => {
  let planId: string;
  let keyIds: Record<string, string>;
  /** The values consumers use; compared, never printed. */
  const values: Record<string, string> = {};
  let prober: ReturnType<typeof startProber>;

  beforeAll(async () => {
    fs.mkdirSync(legacyDir);
    fs.writeFileSync(path.join(legacyDir, 'main.tf'), LEGACY_STACK + KEYS_AND_PLAN);
    terraform('init', '-input=false');
    terraform('apply', '-auto-approve', '-input=false');
    const outputs = JSON.parse(terraform('output', '-json'));
    planId = outputs.plan_id.value;
    keyIds = outputs.key_ids.value;
    for (const consumer of CONSUMERS) {
      const key = await apiGateway.send(
        new GetApiKeyCommand({ apiKey: keyIds[consumer], includeValue: true })
      );
      values[consumer] = key.value!;
    }
    prober = startProber(planId, keyIds, values);
  });
  afterAll(async () => {
    await prober?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('before: the old way keeps every key value in Terraform state', () => {
    const state = path.join(legacyDir, 'terraform.tfstate');
    expect(leaks(new Set(Object.values(values)), [state])).toEqual([state]);
  });

  test('removed blocks take keys, memberships and plan out of the state, and nothing else', () => {
    fs.writeFileSync(path.join(legacyDir, 'main.tf'), `${LEGACY_STACK}\n${REMOVED}\n`);
    const plan = terraform('plan', '-input=false');
    expect(plan).toMatch(/0 to add, 0 to change, 0 to destroy/);
    expect(
      plan.match(/will no longer be managed by Terraform, but will not be destroyed/g)
    ).toHaveLength(5);
    terraform('apply', '-auto-approve', '-input=false');
    // The guide: the previous state, kept as a backup, still holds the values: delete it.
    fs.rmSync(path.join(legacyDir, 'terraform.tfstate.backup'));

    expect(terraform('state', 'list').split('\n')).not.toContainEqual(
      expect.stringMatching(/api_key|usage_plan/)
    );
    expect(
      leaks(new Set(Object.values(values)), [path.join(legacyDir, 'terraform.tfstate')])
    ).toEqual([]);
  });

  test('keyplane adopt prints the mapping, then writes it, once', async () => {
    const apiId = JSON.parse(terraform('output', '-json')).api_id.value as string;
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        environments: {
          [ENV]: {
            region: 'us-east-1',
            backend: { local: { path: path.join(work, `terraform.${ENV}.tfstate`) } },
            usagePlans: {},
            consumers: {},
          },
        },
      })
    );
    const select = ['adopt', '--name-prefix', 'legacy-'];

    const review = await adoptCli([...select, '--config', configFile, '--environment', ENV]);
    const apply = await adoptCli([
      ...select,
      '--config',
      configFile,
      '--environment',
      ENV,
      '--apply',
    ]);
    const again = await adoptCli([
      ...select,
      '--config',
      configFile,
      '--environment',
      ENV,
      '--apply',
    ]);

    expect(review.code).toBe(0);
    for (const consumer of CONSUMERS) {
      expect(review.stdout).toMatch(
        new RegExp(
          `${keyIds[consumer]}\\s+legacy-${consumer}\\s+${consumer}\\s+orders-partners \\(${planId}\\)\\s+adopt`
        )
      );
    }
    expect(apply.stdout).toContain('added to');
    expect(again.stdout).toContain('nothing to change');
    const env = JSON.parse(fs.readFileSync(configFile, 'utf8')).environments[ENV];
    expect(env.usagePlans['orders-partners']).toEqual({
      importId: planId,
      apiStages: [{ restApiId: apiId, stage: 'prod' }],
      quota: { limit: 5000, period: 'MONTH' },
    });
    expect(env.consumers.initrode).toEqual({
      plans: ['orders-partners'],
      adoptKeyId: keyIds.initrode,
    });
  });

  test('the deploy imports the plan and adopts each key: same id, same value, keyplane-owned', async () => {
    cdktf('deploy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });

    for (const consumer of CONSUMERS) {
      const secretId = `keyplane/${ENV}/${consumer}`;
      expect(await invariantViolations(secretId)).toEqual([]);
      const secret = await viewSecret(secretId);
      expect(secret.currentKeyId).toBe(keyIds[consumer]);
      expect(secret.planIds).toEqual([planId]);
      const key = await viewKey(keyIds[consumer]);
      expect(key?.tags).toMatchObject({
        [KeyTag.SERVICE]: SERVICE,
        [KeyTag.SECRET_ARN]: secret.arn,
        [KeyTag.SECRET_VERSION]: secret.currentVersion,
        [KeyTag.PROOF]: expect.any(String),
        [KeyTag.ADOPTED_AT]: expect.any(String),
      });
    }
    const plan = await apiGateway.send(new GetUsagePlanCommand({ usagePlanId: planId }));
    expect(plan).toMatchObject({
      name: `${SERVICE}-orders-partners`,
      tags: { 'keyplane:service': SERVICE },
    });
  });

  test('no read of an existing key failed at any point of the migration', async () => {
    const { failures, reads } = await prober.stop();
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(20);
  });

  test('no state, plan or synth output holds a key value', () => {
    const files = [...filesUnder(work).filter((f) => /\.tfstate|cdk\.tf\.json|\.tf$/.test(f))];
    expect(files.length).toBeGreaterThan(2);
    expect(leaks(new Set(Object.values(values)), files, cdktfOutputs)).toEqual([]);
  });

  test('the next rotation replaces an adopted key as usual; it keeps working for the grace period', async () => {
    const secretId = `keyplane/${ENV}/initrode`;
    await rotate(secretId);

    const secret = await viewSecret(secretId);
    expect(secret.currentKeyId).not.toBe(keyIds.initrode);
    expect(await invariantViolations(secretId)).toEqual([]);
    const adopted = await viewKey(keyIds.initrode);
    expect(adopted?.enabled).toBe(true);
    expect(adopted?.tags[KeyTag.RETIRE_AFTER]).toEqual(expect.any(String));
  });
});
