/**
 * The attack tier: a co-tenant of the account (any principal with tagging, key-creating and
 * secret-writing rights) replays issue #11's attacks against the example app's deployment on
 * the local AWS, inside example-app.test.ts so it shares that deployment. Each attack asserts
 * what the rotation function must not do: touch a foreign key or plan, make a planter-known
 * value AWSCURRENT, send a key to an unexpected URL; and that a revoke leaves exactly one
 * enabled key. docs/trust.md maps each to its boundary.
 */
import * as fs from 'fs';
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
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_BLAST_RADIUS } from '../../../contract/blast-radius';
import type { SweepResult } from '../../../contract/sweep-result';
import { KeyTag, SecretTag } from '../../../contract/tags';
import { LAMBDA_LOG_DIR } from '../../../scripts/local-aws';
import { filesUnder } from '../../support/files';
import { apiGateway, invoke, secretsManager, sweep, viewKey, viewSecret } from './aws';

export interface CoTenantContext {
  readonly service: string;
  readonly functionName: string;
  readonly secretId: (consumer: string) => string;
  /** Consumer whose secret the attacks edit (revoked at the end, left healthy). */
  readonly victim: string;
  /** Consumer deployed with the default cool-downs, its first rotation just done. */
  readonly cooled: string;
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

  test("forged policy tags on a consumer's secret (another team's plan, a plain-http URL elsewhere) are not obeyed", async () => {
    const received: string[] = [];
    const server = http.createServer((request, response) => {
      received.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const { port } = server.address() as AddressInfo;
    const foreign = await foreignKeyInPlan('forged-tags');
    planted.plans.push(foreign);
    const before = await viewSecret(victimId());
    const declaredPlans = before.planIds; // the tags still say what the deployer wrote
    const forged = {
      [SecretTag.USAGE_PLANS]: [foreign.planId, ...declaredPlans].join(' '),
      [SecretTag.HEALTH_CHECK_URL]: `http://0.0.0.0:${port}/collect`,
    };
    try {
      await secretsManager.send(
        new TagResourceCommand({
          SecretId: victimId(),
          Tags: Object.entries(forged).map(([Key, Value]) => ({ Key, Value })),
        })
      );
      await secretsManager.send(
        new RotateSecretCommand({ SecretId: victimId(), RotateImmediately: true })
      );
      await waitForCurrent(victimId(), before.currentVersion);

      const after = await viewSecret(victimId());
      expect(received).toEqual([]);
      const members = await apiGateway.send(
        new GetUsagePlanKeysCommand({ usagePlanId: foreign.planId })
      );
      expect((members.items ?? []).map((member) => member.id)).toEqual([foreign.keyId]);
      for (const planId of declaredPlans) {
        const plan = await apiGateway.send(new GetUsagePlanKeysCommand({ usagePlanId: planId }));
        expect((plan.items ?? []).map((member) => member.id)).toContain(after.currentKeyId);
      }
      await expectUntouched(foreign.keyId, foreign.planId, { team: 'billing' });
    } finally {
      server.close();
      const restore = Object.keys(forged).filter((tag) => before.tags[tag] === undefined);
      if (restore.length > 0) {
        await secretsManager.send(
          new UntagResourceCommand({ SecretId: victimId(), TagKeys: restore })
        );
      }
      await secretsManager.send(
        new TagResourceCommand({
          SecretId: victimId(),
          Tags: Object.keys(forged)
            .filter((tag) => before.tags[tag] !== undefined)
            .map((Key) => ({ Key, Value: before.tags[Key] })),
        })
      );
    }
  });

  test("a rogue secret under the name prefix, with a consumer's tags and another team's plan, is refused: no key is minted", async () => {
    const foreign = await foreignKeyInPlan('rogue-secret');
    planted.plans.push(foreign);
    const victim = await secretsManager.send(new DescribeSecretCommand({ SecretId: victimId() }));
    const rogue = await secretsManager.send(
      new CreateSecretCommand({
        Name: ctx.secretId(`rogue-${Date.now()}`),
        SecretString: '{}',
        Tags: [
          ...(victim.Tags ?? []).filter((tag) => tag.Key !== SecretTag.USAGE_PLANS),
          { Key: SecretTag.USAGE_PLANS, Value: foreign.planId },
        ],
      })
    );
    try {
      await secretsManager
        .send(
          new RotateSecretCommand({
            SecretId: rogue.ARN,
            RotationLambdaARN: victim.RotationLambdaARN,
            RotationRules: { AutomaticallyAfterDays: 30 },
            RotateImmediately: true,
          })
        )
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const keys = await apiGateway.send(new GetApiKeysCommand({ limit: 500 }));
      expect(
        (keys.items ?? []).filter((key) => key.tags?.[KeyTag.SECRET_ARN] === rogue.ARN)
      ).toEqual([]);
      const members = await apiGateway.send(
        new GetUsagePlanKeysCommand({ usagePlanId: foreign.planId })
      );
      expect((members.items ?? []).map((member) => member.id)).toEqual([foreign.keyId]);
      const counts = await sweep(ctx.functionName);
      expect(counts.healed).toBe(0);
    } finally {
      await secretsManager.send(
        new DeleteSecretCommand({ SecretId: rogue.ARN, ForceDeleteWithoutRecovery: true })
      );
    }
  });

  test('RotateSecret spammed on a consumer without a cool-down: at most 2 enabled keys, at most 2 retained after the sweep, the key budget kept', async () => {
    const { arn } = await viewSecret(victimId());
    const own = async (enabled: boolean) => {
      const keys = await apiGateway.send(new GetApiKeysCommand({ limit: 500 }));
      return (keys.items ?? []).filter(
        (key) =>
          key.enabled === enabled &&
          key.tags?.[KeyTag.SECRET_ARN] === arn &&
          !planted.keys.includes(key.id!)
      );
    };
    for (let i = 0; i < 4; i++) {
      const before = await viewSecret(victimId());
      await secretsManager.send(
        new RotateSecretCommand({ SecretId: victimId(), RotateImmediately: true })
      );
      await waitForCurrent(victimId(), before.currentVersion);
      // The cap holds after every rotation, not only at the end.
      expect((await own(true)).length).toBeLessThanOrEqual(DEFAULT_BLAST_RADIUS.maxLiveKeys);
    }
    expect(await own(true)).toHaveLength(DEFAULT_BLAST_RADIUS.maxLiveKeys);

    const swept = await invoke<SweepResult>(ctx.functionName, { action: 'sweep' });

    expect(swept.complete).toBe(true);
    expect((await own(false)).length).toBeLessThanOrEqual(DEFAULT_BLAST_RADIUS.maxRetainedKeys);
    expect(swept.keysHeld).toBeLessThanOrEqual(swept.keyBudget!);
  });

  test('within the rotate cool-down, the first RotateSecret after the deploy goes through and the next is refused: AWSCURRENT stays, AWSPENDING is removed, the error names the consumer, the keys counted, the time left and the setting', async () => {
    const cooledId = ctx.secretId(ctx.cooled);
    const deployed = await viewSecret(cooledId);
    await secretsManager.send(
      new RotateSecretCommand({ SecretId: cooledId, RotateImmediately: true })
    );
    await waitForCurrent(cooledId, deployed.currentVersion);
    const before = await viewSecret(cooledId);
    const logged = () =>
      filesUnder(LAMBDA_LOG_DIR)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');

    await secretsManager.send(
      new RotateSecretCommand({ SecretId: cooledId, RotateImmediately: true })
    );

    const after = await secretsManager.send(new DescribeSecretCommand({ SecretId: cooledId }));
    const stages = Object.values(after.VersionIdsToStages ?? {});
    expect(stages.filter((s) => s.includes('AWSPENDING') && !s.includes('AWSCURRENT'))).toEqual([]);
    expect((await viewSecret(cooledId)).currentVersion).toBe(before.currentVersion);
    expect(logged()).toMatch(
      new RegExp(
        `refused: consumer ${ctx.cooled} got 2 new keys since \\S+; its rotateCoolDown is 900s, \\d+s left`
      )
    );
  });

  test('a revoke right after a rotation goes through, disabling the current key and the one in its grace; a second revoke within the revoke cool-down is refused, naming the consumer, the time left and the setting', async () => {
    const cooledId = ctx.secretId(ctx.cooled);
    const { arn } = await viewSecret(cooledId);
    const live = await enabledKeysOf(arn); // the deploy's key, in its grace, and the rotation's
    expect(live).toHaveLength(2);
    const first = await invoke<{ keyId: string; revokedKeyIds: string[] }>(ctx.functionName, {
      action: 'revoke',
      secretId: cooledId,
    });
    expect([...first.revokedKeyIds].sort()).toEqual(live);

    await expect(
      invoke(ctx.functionName, { action: 'revoke', secretId: cooledId })
    ).rejects.toThrow(
      new RegExp(
        `refused: consumer ${ctx.cooled} was revoked at \\S+; its revokeCoolDown is 300s, \\d+s left`
      )
    );
    expect(await enabledKeysOf(arn)).toEqual([first.keyId]);
  });
}
