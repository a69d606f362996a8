/**
 * A consumer in two regions (README, "Multi-region keys"), deployed to the local AWS with
 * `cdktf deploy` (moto serves every region on one endpoint) and driven through its life: the
 * first rotation, a later one, `keyplane status`, the sweep past grace, a revoke and destroy. At every point the
 * key AWSCURRENT names works in both regions with the same value (enabled, made for that
 * version, in the region's plan), and the outgoing key works in both until it is retired in
 * both. Its own service name on the e2e tier's shared emulator.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  APIGatewayClient,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  paginateGetApiKeys,
  paginateGetUsagePlans,
} from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { IssuedKeyValue } from '../../contract/secret-value';
import { KeyTag } from '../../contract/tags';
import { filesUnder } from '../support/files';
import { FURTHER_REGION, multiRegionConfig } from '../support/multi-region-config';
import {
  apiGateway,
  expire,
  invariantViolations,
  invoke,
  planMembers,
  rotate,
  secretsManager,
  sweep,
  viewKey,
  type ViewClients,
} from './support/aws';
import { runKeyplane } from './support/cli';
import { cdktf, cdktfOutputs, leaks } from './support/deploy';

jest.setTimeout(600_000);

const ENV = 'regions';
const SERVICE = `keyplane-${ENV}`;
const FUNCTION = `${SERVICE}-rotation`;
const SECRET_ID = `keyplane/${ENV}/acme`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-regions-'));
const configFile = path.join(work, 'keyplane.config.json');
const outdir = path.join(work, 'cdktf.out');
const further: ViewClients = {
  apiGateway: new APIGatewayClient({ region: FURTHER_REGION }),
  secretsManager: new SecretsManagerClient({ region: FURTHER_REGION }),
};
/** Every key value seen, for the leak scan; compared, never printed. */
const seen = new Set<string>();

const deploy = () => cdktf('deploy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });

/** AWSCURRENT's value (kept out of assertions) and the key it names in each region. */
async function current(): Promise<{ version: string; issued: IssuedKeyValue }> {
  const out = await secretsManager.send(
    new GetSecretValueCommand({ SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' })
  );
  const issued = JSON.parse(out.SecretString ?? '{}') as IssuedKeyValue;
  seen.add(issued.value);
  return { version: out.VersionId!, issued };
}

/** The usage plan of the service named `name` in a region. */
async function planId(client: APIGatewayClient, name: string): Promise<string> {
  for await (const page of paginateGetUsagePlans({ client }, {})) {
    const plan = page.items?.find((p) => p.name === `${SERVICE}-${name}`);
    if (plan?.id) return plan.id;
  }
  throw new Error(`no usage plan ${name}`);
}

/**
 * What is wrong with the key of `issued` in the further region: it must exist, be enabled,
 * have been made for `version`, hold the same value, and be in the region's plan.
 */
async function furtherViolations(version: string, issued: IssuedKeyValue): Promise<string[]> {
  const record = issued.regions?.find((r) => r.region === FURTHER_REGION);
  if (record === undefined) return [`AWSCURRENT names no key in ${FURTHER_REGION}`];
  const key = await further.apiGateway.send(
    new GetApiKeyCommand({ apiKey: record.keyId, includeValue: true })
  );
  const problems: string[] = [];
  if (key.enabled !== true) problems.push(`${record.keyId} is disabled`);
  if (key.tags?.[KeyTag.SECRET_VERSION] !== version)
    problems.push(`${record.keyId} was not made for ${version}`);
  if (key.value !== issued.value) problems.push(`${record.keyId} holds another value`);
  const goldEu = await planId(further.apiGateway, 'goldeu');
  if (!(await planMembers(goldEu, further)).includes(record.keyId))
    problems.push(`${record.keyId} is not in plan ${goldEu}`);
  return problems;
}

/** Whether a key serves requests in its region: enabled and in a plan of the service. */
async function serves(clients: ViewClients, keyId: string, plan: string): Promise<boolean> {
  const key = await viewKey(keyId, clients);
  const members = await planMembers(await planId(clients.apiGateway, plan), clients);
  return key?.enabled === true && members.includes(keyId);
}

/** The service's keys in a region. */
async function serviceKeys(client: APIGatewayClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateGetApiKeys({ client }, { includeValues: false })) {
    for (const key of page.items ?? [])
      if (key.tags?.[KeyTag.SERVICE] === SERVICE) ids.push(key.id!);
  }
  return ids;
}

const primary: ViewClients = { apiGateway, secretsManager };

describe('a consumer in two regions on the local AWS', () => {
  beforeAll(() => {
    fs.writeFileSync(
      configFile,
      JSON.stringify(multiRegionConfig(ENV, path.join(work, `terraform.${ENV}.tfstate`)))
    );
    deploy();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('deploys a plan in each region and replicates the secret to the further region', async () => {
    await expect(planId(apiGateway, 'gold')).resolves.toEqual(expect.any(String));
    await expect(planId(further.apiGateway, 'goldeu')).resolves.toEqual(expect.any(String));
    const secret = await secretsManager.send(new DescribeSecretCommand({ SecretId: SECRET_ID }));
    expect(secret.ReplicationStatus?.map((r) => r.Region)).toEqual([FURTHER_REGION]);
  });

  test('turning rotation on issued one value, working in both regions', async () => {
    const { version, issued } = await current();
    expect(await invariantViolations(SECRET_ID)).toEqual([]);
    expect(await furtherViolations(version, issued)).toEqual([]);
  });

  test('a rotation issues a new value in both; the old one keeps working in both through its grace', async () => {
    const before = await current();

    await rotate(SECRET_ID);

    const after = await current();
    expect(after.version).not.toBe(before.version);
    expect(after.issued.value).not.toBe(before.issued.value);
    expect(await invariantViolations(SECRET_ID)).toEqual([]);
    expect(await furtherViolations(after.version, after.issued)).toEqual([]);
    const oldFurther = before.issued.regions![0].keyId;
    expect(await serves(primary, before.issued.keyId, 'gold')).toBe(true);
    expect(await serves(further, oldFurther, 'goldeu')).toBe(true);
    expect((await viewKey(oldFurther, further))?.tags[KeyTag.RETIRE_AFTER]).toEqual(
      expect.any(String)
    );
  });

  test('keyplane status shows the current key and the outgoing key of the further region', async () => {
    const { issued } = await current();
    const outgoing = (await serviceKeys(further.apiGateway)).filter(
      (id) => id !== issued.regions![0].keyId
    );

    const run = runKeyplane(SERVICE, 'status --json', work);

    expect(run.code).toBe(0);
    const [acme] = JSON.parse(run.stdout).consumers;
    expect(acme.regions).toEqual([
      {
        region: FURTHER_REGION,
        currentKeyId: issued.regions![0].keyId,
        retiring: [{ keyId: outgoing[0], retireAfter: expect.any(String) }],
      },
    ]);
    cdktfOutputs.push(run.stdout, run.stderr);
  });

  test('keyplane doctor is clean in both regions, and names a key taken out of a plan in the further region with its region', async () => {
    const clean = runKeyplane(SERVICE, 'doctor --json', work);
    expect({ code: clean.code, findings: JSON.parse(clean.stdout).findings }).toEqual({
      code: 0,
      findings: [],
    });
    const keyId = (await current()).issued.regions![0].keyId;
    const goldEu = await planId(further.apiGateway, 'goldeu');
    // A co-tenant takes the current key out of the further region's plan.
    await further.apiGateway.send(new DeleteUsagePlanKeyCommand({ usagePlanId: goldEu, keyId }));
    try {
      const run = runKeyplane(SERVICE, 'doctor --json', work);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).findings).toEqual([
        expect.objectContaining({ kind: 'wrong-plans', region: FURTHER_REGION, keyId }),
      ]);
      cdktfOutputs.push(clean.stdout, clean.stderr, run.stdout, run.stderr);
    } finally {
      await further.apiGateway.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: goldEu, keyId, keyType: 'API_KEY' })
      );
    }
  });

  test('a sweep past grace retires the outgoing key in both regions, never the current one', async () => {
    const { issued } = await current();
    const outgoing = (await serviceKeys(further.apiGateway)).filter(
      (id) => id !== issued.regions![0].keyId
    );
    expect(outgoing).toHaveLength(1);
    const [oldFurther] = outgoing;
    const oldPrimary = (await serviceKeys(apiGateway)).find((id) => id !== issued.keyId)!;
    await expire(oldPrimary, KeyTag.RETIRE_AFTER);
    await expire(oldFurther, KeyTag.RETIRE_AFTER, further);

    const counts = await sweep(FUNCTION);

    expect(counts).toMatchObject({ retired: 2, failures: 0 });
    expect(await serves(primary, oldPrimary, 'gold')).toBe(false);
    expect(await serves(further, oldFurther, 'goldeu')).toBe(false);
    expect(await invariantViolations(SECRET_ID)).toEqual([]);
    expect(await furtherViolations((await current()).version, issued)).toEqual([]);
  });

  test('revoke issues a new value in both regions and disables the old one in both at once', async () => {
    const before = await current();

    const result = await invoke<{ revokedKeyIds: string[] }>(FUNCTION, {
      action: 'revoke',
      secretId: SECRET_ID,
    });

    expect(result.revokedKeyIds.sort()).toEqual(
      [before.issued.keyId, before.issued.regions![0].keyId].sort()
    );
    const after = await current();
    expect(await invariantViolations(SECRET_ID)).toEqual([]);
    expect(await furtherViolations(after.version, after.issued)).toEqual([]);
    expect((await viewKey(before.issued.regions![0].keyId, further))?.enabled).toBe(false);
  });

  test('cdktf destroy leaves no managed key in either region', async () => {
    expect((await serviceKeys(further.apiGateway)).length).toBeGreaterThan(0);
    cdktf('destroy', [ENV], { outdir, env: { KEYPLANE_CONFIG: configFile } });
    expect(await serviceKeys(apiGateway)).toEqual([]);
    expect(await serviceKeys(further.apiGateway)).toEqual([]);
  });

  test('no key value is in the state, the synth output or the cdktf output', () => {
    const files = filesUnder(work).filter((f) => /\.tfstate|cdk\.tf\.json/.test(f));
    expect(files.length).toBeGreaterThan(1);
    expect(seen.size).toBeGreaterThan(2);
    expect(leaks(seen, files, cdktfOutputs)).toEqual([]);
  });
});
