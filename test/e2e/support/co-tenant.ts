/**
 * The attack tier: a co-tenant of the account (any principal with tagging, key-creating and
 * secret-writing rights) replays issue #11's attacks against the example app's deployment on
 * the local AWS, inside example-app.test.ts so it shares that deployment. Each attack asserts
 * what the rotation function must not do: touch a foreign key or plan, make a planter-known
 * value AWSCURRENT, send a key to an unexpected URL; and that a revoke leaves exactly one
 * enabled key. docs/trust.md maps each to its boundary.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import {
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  type CreateApiKeyCommandInput,
} from '@aws-sdk/client-api-gateway';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { KeyTag, SecretTag } from '../../../contract/tags';
import { apiGateway, invoke, secretsManager, sweep, viewKey, viewSecret } from './aws';

export interface CoTenantContext {
  readonly service: string;
  readonly functionName: string;
  readonly secretId: (consumer: string) => string;
  /** Consumer whose secret the attacks edit (revoked at the end, left healthy). */
  readonly victim: string;
}

/** What the co-tenant made, removed by the co-tenant at the end: keyplane never touches it. */
const planted = { keys: [] as string[], plans: [] as { planId: string; keyId: string }[] };

async function plantKey(input: CreateApiKeyCommandInput) {
  const key = await apiGateway.send(new CreateApiKeyCommand(input));
  planted.keys.push(key.id!);
  return key;
}

/** A key and a plan of another team: no keyplane tag, in their own plan. */
async function foreignKeyInPlan(label: string): Promise<{ keyId: string; planId: string }> {
  const plan = await apiGateway.send(
    new CreateUsagePlanCommand({ name: `other-team-${label}`, tags: { team: 'billing' } })
  );
  const key = await apiGateway.send(
    new CreateApiKeyCommand({
      name: `other-team-${label}`,
      enabled: true,
      tags: { team: 'billing' },
    })
  );
  await apiGateway.send(
    new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' })
  );
  return { keyId: key.id!, planId: plan.id! };
}

/** Still enabled, still in its plan, no keyplane tag, not deleted. */
async function expectUntouched(keyId: string, planId?: string, tags?: Record<string, string>) {
  const key = await viewKey(keyId);
  expect(key).toBeDefined();
  expect(key?.enabled).toBe(true);
  if (tags !== undefined) expect(key?.tags).toEqual(tags);
  if (planId !== undefined) {
    const members = await apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: planId }));
    expect((members.items ?? []).map((member) => member.id)).toContain(keyId);
  }
}

async function enabledKeysOf(secretArn: string): Promise<string[]> {
  const keys = await apiGateway.send(new GetApiKeysCommand({ limit: 500 }));
  return (keys.items ?? [])
    .filter((key) => key.enabled && key.tags?.[KeyTag.SECRET_ARN] === secretArn)
    .map((key) => key.id!)
    .sort();
}

async function waitForCurrent(secretId: string, notVersion: string): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const view = await viewSecret(secretId);
    if (view.currentVersion !== notVersion) return view.currentVersion;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${secretId}: AWSCURRENT did not move from ${notVersion}`);
}

export function coTenantAttacks(ctx: CoTenantContext): void {
  const victimId = () => ctx.secretId(ctx.victim);

  afterAll(async () => {
    for (const { planId, keyId } of planted.plans) {
      await apiGateway.send(new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId }));
      await apiGateway.send(new DeleteUsagePlanCommand({ usagePlanId: planId }));
    }
    for (const keyId of planted.keys)
      await apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));
  });

  test('a key planted with the tags of a rotation token the planter chose is never adopted', async () => {
    const before = await viewSecret(victimId());
    const token = 'c0ffee00-1111-4222-8333-444455556666';
    const plantedValue = 'plantedByACoTenantWhoKnowsThisValue0123';
    const plantedKey = await plantKey({
      name: `${ctx.victim}-c0ffee00`,
      value: plantedValue,
      enabled: true,
      tags: {
        [KeyTag.SERVICE]: ctx.service,
        [KeyTag.SECRET_ARN]: before.arn,
        [KeyTag.SECRET_VERSION]: token,
      },
    });

    await secretsManager.send(
      new RotateSecretCommand({
        SecretId: victimId(),
        ClientRequestToken: token,
        RotateImmediately: true,
      })
    );
    await waitForCurrent(victimId(), before.currentVersion);

    const after = await viewSecret(victimId());
    expect(after.currentKeyId).not.toBe(plantedKey.id);
    const seen = await viewKey(plantedKey.id!);
    expect(seen?.enabled).toBe(true);
    expect(seen?.tags[KeyTag.PROOF]).toBeUndefined();
    expect(after.planIds.length).toBeGreaterThan(0);
  });

  test("a current value edited to name another team's key: revoke leaves that key alone and exactly one key enabled", async () => {
    const foreign = await foreignKeyInPlan('revoke');
    const before = await viewSecret(victimId());
    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: victimId(),
        SecretString: JSON.stringify({
          format: 'keyplane/v1',
          keyId: foreign.keyId,
          value: 'someoneElsesKeyValue0123456789abcdefgh',
          consumer: ctx.victim,
          usagePlanIds: before.planIds,
          createdAt: new Date().toISOString(),
        }),
        VersionStages: ['AWSCURRENT'],
      })
    );

    const result = await invoke<{
      keyId: string;
      revokedKeyIds: string[];
      unprovenKeyIds: string[];
    }>(ctx.functionName, { action: 'revoke', secretId: victimId() });

    await expectUntouched(foreign.keyId, foreign.planId, { team: 'billing' });
    expect(result.revokedKeyIds).not.toContain(foreign.keyId);
    const after = await viewSecret(victimId());
    expect(after.currentKeyId).toBe(result.keyId);
    expect(await enabledKeysOf(after.arn)).toEqual([result.keyId, ...result.unprovenKeyIds].sort());
  });

  test('keys planted with the service tag and a made-up secret ARN survive the sweep', async () => {
    const { arn } = await viewSecret(victimId());
    const madeUpArn = arn.replace(`/${ctx.victim}-`, '/made-up-');
    const due = new Date(Date.now() - 60_000).toISOString();
    const orphan = await plantKey({
      name: 'planted-orphan',
      enabled: true,
      tags: {
        [KeyTag.SERVICE]: ctx.service,
        [KeyTag.SECRET_ARN]: madeUpArn,
        [KeyTag.SECRET_VERSION]: 'v1',
        [KeyTag.RETIRE_AFTER]: due,
        [KeyTag.DELETE_AFTER]: due,
      },
    });

    const counts = await sweep(ctx.functionName);

    await expectUntouched(orphan.id!);
    expect(counts.unproven).toBeGreaterThanOrEqual(1);
  });

  test('a health-check URL tag pointing elsewhere over plain http never receives a key', async () => {
    const received: string[] = [];
    const server = http.createServer((request, response) => {
      received.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const { port } = server.address() as AddressInfo;
    const before = await viewSecret(victimId());
    const original = before.tags[SecretTag.HEALTH_CHECK_URL];
    try {
      await secretsManager.send(
        new TagResourceCommand({
          SecretId: victimId(),
          Tags: [{ Key: SecretTag.HEALTH_CHECK_URL, Value: `http://0.0.0.0:${port}/collect` }],
        })
      );
      await secretsManager
        .send(new RotateSecretCommand({ SecretId: victimId(), RotateImmediately: true }))
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(received).toEqual([]);
      expect((await viewSecret(victimId())).currentKeyId).toBe(before.currentKeyId);
    } finally {
      server.close();
      if (original === undefined) {
        await secretsManager.send(
          new UntagResourceCommand({ SecretId: victimId(), TagKeys: [SecretTag.HEALTH_CHECK_URL] })
        );
      } else {
        await secretsManager.send(
          new TagResourceCommand({
            SecretId: victimId(),
            Tags: [{ Key: SecretTag.HEALTH_CHECK_URL, Value: original }],
          })
        );
      }
      // Cancel the refused rotation, as an operator would, so the consumer rotates again.
      const stages =
        (await secretsManager.send(new DescribeSecretCommand({ SecretId: victimId() })))
          .VersionIdsToStages ?? {};
      for (const [versionId, labels] of Object.entries(stages)) {
        if (labels.includes('AWSPENDING') && !labels.includes('AWSCURRENT')) {
          await secretsManager.send(
            new UpdateSecretVersionStageCommand({
              SecretId: victimId(),
              VersionStage: 'AWSPENDING',
              RemoveFromVersionId: versionId,
            })
          );
        }
      }
    }
  });
}
