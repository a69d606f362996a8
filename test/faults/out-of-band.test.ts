/**
 * Issue 5 part 3, changes made behind keyplane's back, then a rotation and a sweep through the
 * real bundle: a secret value edited by hand into invalid JSON, the current key deleted, a
 * usage plan deleted. Each ends in a clear error or a safe recovery, and no working key is
 * disabled or deleted on the way.
 */
import { randomUUID } from 'crypto';
import {
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  TagResourceCommand as TagKeyCommand,
} from '@aws-sdk/client-api-gateway';
import {
  PutSecretValueCommand,
  TagResourceCommand as TagSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { declareFixtureConsumer } from '../../bench/fixture-policy';
import {
  createSteadyConsumer,
  createUsagePlans,
  SECRET_PREFIX,
  SERVICE,
} from '../../bench/rotation-fixture';
import { KeyTag, PLAN_ID_SEPARATOR, SECRET_FORMAT, SecretTag } from '../../contract';
import { ROTATION_STEPS } from '../../lambdas/rotation/events';
import { invariantViolations, planMembers, viewKey, viewSecret } from '../e2e/support/aws';
import { deliver, driveRotation, settle, strayKeys, sweepAll } from './support/rotation-driver';
import { keysOf, newContainer, stageRotation, useWorld, type World } from './support/world';

let world: World;
const { stdout } = useWorld(2, (ready) => (world = ready));

/** A consumer with an issued key; returns the secret and that key's id and value. */
async function steadyConsumer(name: string, planIds: readonly string[] = world.planIds) {
  const secretArn = await createSteadyConsumer(world.clients, name, planIds);
  const keyId = (await viewSecret(secretArn, world.clients)).currentKeyId!;
  return { secretArn, keyId };
}

/** The key is there, enabled, and in these plans. */
async function expectWorking(keyId: string, planIds: readonly string[]): Promise<void> {
  expect(await viewKey(keyId, world.clients)).toMatchObject({ id: keyId, enabled: true });
  for (const planId of planIds) {
    expect(await planMembers(planId, world.clients)).toContain(keyId);
  }
}

describe('AWSCURRENT edited by hand into invalid JSON', () => {
  test('the sweep reports the secret without its value and leaves its keys alone; the next rotation issues a readable key and the old key stays enabled', async () => {
    const { secretArn, keyId } = await steadyConsumer('hand-edited');
    // Broken JSON that still holds something secret-looking: it must never be echoed.
    const broken = `{"keyId": "${keyId}", "value": "handEditedValue${randomUUID().replace(/-/g, '')}"`;
    await world.clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: broken,
        VersionStages: ['AWSCURRENT'],
      })
    );

    const counts = await sweepAll();
    expect(counts.failures).toBeGreaterThanOrEqual(1);
    await expectWorking(keyId, world.planIds);
    expect(stdout().text()).toContain('not keyplane JSON');

    const token = await stageRotation(world, secretArn);
    const run = await driveRotation(world, newContainer(), secretArn, token, {
      invariantFromStart: false,
    });
    expect(run.errors).toEqual([]);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    await expectWorking(keyId, world.planIds);

    await settle(world);
    await expectWorking(keyId, world.planIds);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    expect(stdout().text()).not.toContain(broken.slice(30));
  });
});

describe("AWSCURRENT handing out a value that is not its key's", () => {
  test('the invariant check reports it, naming the key and never the value', async () => {
    const { secretArn, keyId } = await steadyConsumer('wrong-value');
    const stale = `stale${randomUUID().replace(/-/g, '')}`;
    const versionId = randomUUID();
    // Everything else right: the key is tagged for the new version and stays in its plans.
    await world.clients.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        ClientRequestToken: versionId,
        SecretString: JSON.stringify({
          format: SECRET_FORMAT,
          keyId,
          value: stale,
          consumer: 'wrong-value',
          usagePlanIds: world.planIds,
          createdAt: new Date().toISOString(),
        }),
        VersionStages: ['AWSCURRENT'],
      })
    );
    await world.clients.apiGateway.send(
      new TagKeyCommand({
        resourceArn: `arn:aws:apigateway:${world.aws.region}::/apikeys/${keyId}`,
        tags: { [KeyTag.SECRET_VERSION]: versionId },
      })
    );

    const violations = await invariantViolations(secretArn, world.clients);

    expect(violations).toEqual([
      `${secretArn}: AWSCURRENT's value is not the value of key ${keyId}`,
    ]);
    expect(violations.join('\n')).not.toContain(stale);
  });
});

describe('the current API key deleted out of band', () => {
  test('the sweep reports it and issues a new current key; later rotations are clean', async () => {
    const { secretArn } = await steadyConsumer('key-deleted');
    // The sweep heals only consumers whose rotation is on: rotate once, as a deployed one has.
    await driveRotation(world, newContainer(), secretArn, await stageRotation(world, secretArn));
    const keyId = (await viewSecret(secretArn, world.clients)).currentKeyId!;
    await world.clients.apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));
    expect(await invariantViolations(secretArn, world.clients)).not.toEqual([]);

    const counts = await sweepAll();

    expect(counts.healed).toBe(1);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    const token = await stageRotation(world, secretArn);
    const run = await driveRotation(world, newContainer(), secretArn, token);
    expect(run).toEqual({ redrives: 0, violations: [], errors: [], invariantChecks: 4 });
    await settle(world);
    expect(await strayKeys(world, secretArn)).toEqual([]);
  });

  test('the next rotation issues a new key and restores the invariant', async () => {
    const { secretArn, keyId } = await steadyConsumer('key-deleted-then-rotated');
    await world.clients.apiGateway.send(new DeleteApiKeyCommand({ apiKey: keyId }));

    const token = await stageRotation(world, secretArn);
    const run = await driveRotation(world, newContainer(), secretArn, token, {
      invariantFromStart: false,
    });

    expect(run.errors).toEqual([]);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    expect((await viewSecret(secretArn, world.clients)).currentVersion).toBe(token);
    await settle(world);
    expect(await strayKeys(world, secretArn)).toEqual([]);
  });
});

describe('a declared usage plan deleted out of band', () => {
  test('setSecret fails naming the missing plan; the current key stays enabled in its other plan; redeploying the policy without it lets the re-delivered steps finish', async () => {
    const [kept, doomed] = await createUsagePlans(world.clients, 2);
    const { secretArn, keyId } = await steadyConsumer('plan-deleted', [kept, doomed]);
    await world.clients.apiGateway.send(new DeleteUsagePlanCommand({ usagePlanId: doomed }));
    const token = await stageRotation(world, secretArn);
    const rotating = newContainer();

    await deliver(rotating, secretArn, token, 'createSecret');
    await expect(deliver(rotating, secretArn, token, 'setSecret')).rejects.toThrow(
      new RegExp(`usage plan ${doomed}`)
    );
    const counts = await sweepAll();

    expect(counts.failures).toBeGreaterThanOrEqual(1);
    expect(counts.deleted + counts.retired + counts.orphansRetired).toBe(0);
    await expectWorking(keyId, [kept]);
    expect((await viewSecret(secretArn, world.clients)).currentKeyId).toBe(keyId);
    expect(await keysOf(world, secretArn)).toHaveLength(2); // current, and the pending one

    // The operator removes the plan from the consumer and runs `cdktf deploy`: a new policy
    // document, so new containers (a secret's tags alone would change nothing), and the
    // informative tags rewritten to match.
    const tags = {
      [SecretTag.CONSUMER]: 'plan-deleted',
      [SecretTag.USAGE_PLANS]: [kept].join(PLAN_ID_SEPARATOR),
    };
    declareFixtureConsumer(SERVICE, `${SECRET_PREFIX}plan-deleted`, tags);
    await world.clients.secretsManager.send(
      new TagSecretCommand({
        SecretId: secretArn,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      })
    );
    const redeployed = newContainer();
    for (const step of ROTATION_STEPS.slice(1)) await deliver(redeployed, secretArn, token, step);

    expect((await viewSecret(secretArn, world.clients)).currentVersion).toBe(token);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    await settle(world);
    expect(await strayKeys(world, secretArn)).toEqual([]);
  });
});
