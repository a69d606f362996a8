/**
 * Issue 5 part 1, the fault matrix: one consumer's rotation (two usage plans) makes K calls when
 * nothing fails. For every call N = 1..K and every fault kind, call N fails once; the SDK's own
 * retry, or Secrets Manager re-delivering the failed step, must carry the rotation through.
 *
 * After each case: the invariant held after every step delivery (the consumer never lacked a
 * working key), the new version is AWSCURRENT, and after the sweeps (retire and delete times
 * forced) the only key left for the secret is the current one.
 */
import { createSteadyConsumer } from '../../bench/rotation-fixture';
import { FAULT_KINDS } from '../../scripts/local-aws/aws-proxy';
import { invariantViolations, issuedValues, viewSecret } from '../e2e/support/aws';
import { captureStdout, type CapturedStdout } from '../lambdas/rotation/support/stdout';
import { driveRotation, settle, strayKeys } from './support/rotation-driver';
import { newContainer, stageRotation, startWorld, type Handler, type World } from './support/world';

/** The calls of a rotation that replaces an issued key, for a consumer in two plans. */
const CLEAN_ROTATION_CALLS = [
  // createSecret: preconditions, crash-recovery lookup, the key, the pending version
  'secretsmanager.DescribeSecret',
  'apigateway.GetApiKeys',
  'apigateway.CreateApiKey',
  'secretsmanager.PutSecretValue',
  // setSecret: find the key, one membership per plan
  'secretsmanager.DescribeSecret',
  'apigateway.GetApiKeys',
  'apigateway.CreateUsagePlanKey',
  'apigateway.CreateUsagePlanKey',
  // testSecret: find the key, its plans
  'secretsmanager.DescribeSecret',
  'apigateway.GetApiKeys',
  'apigateway.GetUsagePlans',
  // finishSecret: the outgoing key, its retire-after, the label move
  'secretsmanager.DescribeSecret',
  'secretsmanager.GetSecretValue',
  'apigateway.TagResource',
  'secretsmanager.UpdateSecretVersionStage',
];
const K = CLEAN_ROTATION_CALLS.length;

const CASES = FAULT_KINDS.flatMap((kind) =>
  CLEAN_ROTATION_CALLS.map((action, i) => ({ kind, n: i + 1, action }))
);

let world: World;
let stdout: CapturedStdout;
/** The function, warm: one container takes every step delivery, as a busy Lambda would. */
let warm: Handler;
/** Calls and re-deliveries per case, printed at the end. */
const summary: string[] = [];

beforeAll(async () => {
  world = await startWorld(2);
  warm = newContainer();
}, 300_000);

afterAll(async () => {
  console.info(`fault matrix, K = ${K}, ${CASES.length} cases:\n${summary.join('\n')}`);
  await world?.close();
});

beforeEach(() => {
  stdout = captureStdout();
});

afterEach(() => {
  const written = stdout.text();
  stdout.restore();
  // Secrets hygiene: no key value seen by the checks was ever logged by the function.
  expect([...issuedValues].filter((value) => written.includes(value))).toEqual([]);
});

/** A consumer with an issued key, and the token of its next rotation, staged. */
async function consumerMidRotation(name: string) {
  const secretArn = await createSteadyConsumer(world.clients, name, world.planIds);
  const token = await stageRotation(world, secretArn);
  return { secretArn, token };
}

test(`a clean rotation makes exactly K = ${K} calls, in this order`, async () => {
  const { secretArn, token } = await consumerMidRotation('clean');
  const before = world.proxy.callCount();

  const run = await driveRotation(world, warm, secretArn, token);

  expect(
    world.proxy
      .calls()
      .slice(before)
      .map((call) => call.action)
  ).toEqual(CLEAN_ROTATION_CALLS);
  expect(run).toEqual({ redrives: 0, violations: [], errors: [] });
});

test.each(CASES)(
  '$kind at call $n ($action): working key throughout, rotation completes, no stray key after the sweep',
  async ({ kind, n, action }) => {
    const { secretArn, token } = await consumerMidRotation(`m-${kind}-${n}`);
    const start = world.proxy.callCount();
    world.proxy.injectFault(start + n, kind);

    const run = await driveRotation(world, warm, secretArn, token);

    const made = world.proxy.calls().slice(start);
    expect(made[n - 1]).toMatchObject({ action, fault: kind });
    expect(run.violations).toEqual([]);
    expect((await viewSecret(secretArn, world.clients)).currentVersion).toBe(token);
    await settle(world, warm);
    expect(await strayKeys(world, secretArn)).toEqual([]);
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    summary.push(
      `${kind} at call ${n} (${action}): ${made.length} calls, ${run.redrives} re-deliveries`
    );
  },
  60_000
);
