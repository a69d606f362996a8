/**
 * Issue 15, regional faults, through the real bundle and the fault proxy (which reads the region
 * a call is signed for): a consumer in two regions, the further region failing every API Gateway
 * call. During a rotation the rotation stops before finishSecret, however often Secrets Manager
 * re-delivers the step, and the outgoing key keeps working in both regions; once the region is
 * back the same rotation finishes. During retirement the sweep retires the key where it can,
 * the key in the failing region stays enabled with its retire-after, and the next sweep
 * retires it.
 */
import { CreateUsagePlanCommand } from '@aws-sdk/client-api-gateway';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { declareFixtureRegions } from '../../bench/fixture-policy';
import {
  createRotatingConsumer,
  fixtureClients,
  SECRET_PREFIX,
  SERVICE,
} from '../../bench/rotation-fixture';
import { KeyTag, SWEEP_EVENT, type IssuedKeyValue } from '../../contract';
import { ROTATION_STEPS } from '../../lambdas/rotation/events';
import {
  expire,
  invariantViolations,
  planMembers,
  viewKey,
  type ViewClients,
} from '../e2e/support/aws';
import { deliver } from './support/rotation-driver';
import { newContainer, stageRotation, useWorld, type World } from './support/world';

const FURTHER = 'eu-west-1';
let world: World;
let further: ViewClients;
let furtherPlan: string;
useWorld(1, (ready) => (world = ready));

/** AWSCURRENT's value: its version, and the key it names in each region (compared, never printed). */
async function current(secretArn: string): Promise<{ version: string; issued: IssuedKeyValue }> {
  const out = await world.clients.secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretArn, VersionStage: 'AWSCURRENT' })
  );
  return { version: out.VersionId!, issued: JSON.parse(out.SecretString!) as IssuedKeyValue };
}

/** The key works in its region: it exists, is enabled and is in the plan. */
async function works(clients: ViewClients, keyId: string, planId: string): Promise<boolean> {
  const key = await viewKey(keyId, clients);
  return key?.enabled === true && (await planMembers(planId, clients)).includes(keyId);
}

/** The further region fails every API Gateway call with a 500 until `restore`. */
function failFurtherRegion(): { restore: () => void } {
  world.proxy.setFaultPolicy(({ action, region }) =>
    region === FURTHER && action.startsWith('apigateway') ? 'http-500' : undefined
  );
  return { restore: () => world.proxy.clearFaults() };
}

/** A consumer in both regions, its first rotation done; returns the secret ARN. */
async function consumerInTwoRegions(name: string): Promise<string> {
  const secretArn = await createRotatingConsumer(world.clients, name, world.planIds);
  declareFixtureRegions(SERVICE, `${SECRET_PREFIX}${name}`, [
    { region: FURTHER, usagePlanIds: [furtherPlan] },
  ]);
  const token = await stageRotation(world, secretArn);
  const handler = newContainer();
  for (const step of ROTATION_STEPS) await deliver(handler, secretArn, token, step);
  return secretArn;
}

beforeAll(async () => {
  const clients = fixtureClients(world.aws.endpoint, FURTHER);
  further = clients;
  const plan = await clients.apiGateway.send(
    new CreateUsagePlanCommand({ name: 'faults-further', throttle: { rateLimit: 10 } })
  );
  furtherPlan = plan.id!;
});

test('a region failing during a rotation stops it before finishSecret; the old key works in both regions', async () => {
  const secretArn = await consumerInTwoRegions('regional-rotation');
  const before = await current(secretArn);
  const token = await stageRotation(world, secretArn);
  const outage = failFurtherRegion();
  const handler = newContainer();

  // Secrets Manager delivers createSecret, and again after each failure.
  const failures: string[] = [];
  for (let delivery = 0; delivery < 3; delivery++) {
    await deliver(handler, secretArn, token, 'createSecret').catch((error: Error) =>
      failures.push(error.message)
    );
  }

  expect(failures).toHaveLength(3);
  expect(failures[0]).toMatch(/createSecret: in region eu-west-1: /);
  expect((await current(secretArn)).version).toBe(before.version);
  expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
  expect(await works(further, before.issued.regions![0].keyId, furtherPlan)).toBe(true);

  // The region is back: the same rotation finishes, and the new value works in both.
  outage.restore();
  for (const step of ROTATION_STEPS) await deliver(handler, secretArn, token, step);
  const after = await current(secretArn);
  expect(after.version).toBe(token);
  expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
  expect(await works(further, after.issued.regions![0].keyId, furtherPlan)).toBe(true);
  expect(await works(further, before.issued.regions![0].keyId, furtherPlan)).toBe(true);
});

test('a region failing during retirement keeps its old key enabled and tagged; the next sweep retires it', async () => {
  const secretArn = await consumerInTwoRegions('regional-retirement');
  const old = await current(secretArn);
  const token = await stageRotation(world, secretArn);
  const handler = newContainer();
  for (const step of ROTATION_STEPS) await deliver(handler, secretArn, token, step);
  const oldFurther = old.issued.regions![0].keyId;
  await expire(old.issued.keyId, KeyTag.RETIRE_AFTER, world.clients);
  await expire(oldFurther, KeyTag.RETIRE_AFTER, further);
  const outage = failFurtherRegion();

  const first = (await newContainer()(SWEEP_EVENT)) as { counts: Record<string, number> };

  expect(first.counts.failures).toBeGreaterThan(0);
  expect((await viewKey(old.issued.keyId, world.clients))?.enabled).toBe(false);
  const left = await viewKey(oldFurther, further);
  expect(left?.enabled).toBe(true);
  expect(left?.tags[KeyTag.RETIRE_AFTER]).toEqual(expect.any(String));

  outage.restore();
  const next = (await newContainer()(SWEEP_EVENT)) as { counts: Record<string, number> };

  expect(next.counts).toMatchObject({ failures: 0 });
  expect(next.counts.retired).toBeGreaterThanOrEqual(1);
  expect((await viewKey(oldFurther, further))?.enabled).toBe(false);
  const now = await current(secretArn);
  expect(await works(further, now.issued.regions![0].keyId, furtherPlan)).toBe(true);
  expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
});
