/**
 * Issue 5 part 1, the fault matrix: one consumer's rotation (two usage plans) makes K calls when
 * nothing fails. For every call N = 1..K and one fault kind, call N fails once; the SDK's own
 * retry, or Secrets Manager re-delivering the failed step, must carry the rotation through.
 * Each fault kind is its own test file (fault-matrix-<kind>.test.ts) with its own world, so
 * jest runs the kinds side by side.
 *
 * After each case: the invariant held after every step delivery (the consumer never lacked a
 * working key), the new version is AWSCURRENT, and after a sweep every key of the secret is the
 * current one or the outgoing one in its grace period. A last test forces every retire and
 * delete time into the past, sweeps, and finds only the current key left for each consumer.
 */
import { declareFixtureConsumer } from '../../../bench/fixture-policy';
import { createSteadyConsumer, SECRET_PREFIX, SERVICE } from '../../../bench/rotation-fixture';
import { PLAN_ID_SEPARATOR, SecretTag } from '../../../contract';
import type { FaultKind } from '../../../scripts/local-aws/aws-proxy';
import { invariantViolations, issuedValues, viewSecret } from '../../e2e/support/aws';
import { leaks } from '../../e2e/support/deploy';
import { driveRotation, settle, strayKeys, sweepAll, unaccountedKeys } from './rotation-driver';
import { newContainer, stageRotation, useWorld, type Handler, type World } from './world';

/**
 * The calls of a rotation that replaces an issued key, for a consumer in two plans, with every
 * step delivered to one warm container (KMS calls go straight to the emulator, uncounted:
 * 3 GenerateMac in createSecret, 1 VerifyMac in finishSecret for the outgoing key, which this
 * container did not make; call-sequence.test.ts pins them).
 */
export const CLEAN_ROTATION_CALLS = [
  // createSecret: preconditions, the key with its tags and creation proof, the pending version
  'secretsmanager.DescribeSecret',
  'apigateway.CreateApiKey',
  'secretsmanager.PutSecretValue',
  // setSecret: the version it wrote is cached in this container; one membership per plan
  'secretsmanager.DescribeSecret',
  'apigateway.CreateUsagePlanKey',
  'apigateway.CreateUsagePlanKey',
  // testSecret: no health check declared, nothing to read
  'secretsmanager.DescribeSecret',
  // finishSecret: the outgoing key, its retire-after (no plan declares a quota to carry:
  // quota-carry.ts), the label move
  'secretsmanager.DescribeSecret',
  'secretsmanager.GetSecretValue',
  'apigateway.TagResource',
  'secretsmanager.UpdateSecretVersionStage',
];
const K = CLEAN_ROTATION_CALLS.length;

/** The matrix row of one fault kind: the clean run, K faulted rotations, then the clean-up. */
export function faultMatrix(kind: FaultKind): void {
  let world: World;
  /** The function, warm: one container takes every step delivery, as a busy Lambda would. */
  let warm: Handler;
  /** The hourly sweep's container. */
  let sweeper: Handler;
  const { stdout } = useWorld(2, (ready) => {
    world = ready;
    // The deployer declares every consumer before the containers start, as a deploy does:
    // a container reads the policy document once, when it starts.
    for (const name of ['clean', ...CLEAN_ROTATION_CALLS.map((_, i) => `m-${kind}-${i + 1}`)]) {
      declareFixtureConsumer(SERVICE, `${SECRET_PREFIX}${name}`, {
        [SecretTag.CONSUMER]: name,
        [SecretTag.USAGE_PLANS]: ready.planIds.join(PLAN_ID_SEPARATOR),
      });
    }
    warm = newContainer();
    sweeper = newContainer();
  });
  /** Every consumer a case rotated. */
  const rotated: string[] = [];
  /** Calls and re-deliveries per case, printed at the end. */
  const summary: string[] = [];

  afterEach(() => {
    // Secrets hygiene: no key value seen by the checks was ever logged by the function.
    expect(leaks(issuedValues, [], [stdout().text()])).toEqual([]);
  });
  afterAll(() => console.info(`fault matrix, ${kind}, K = ${K}:\n${summary.join('\n')}`));

  /** A consumer with an issued key, and the token of its next rotation, staged. */
  async function consumerMidRotation(name: string) {
    const secretArn = await createSteadyConsumer(world.clients, name, world.planIds);
    const token = await stageRotation(world, secretArn);
    return { secretArn, token };
  }

  // The cases below count calls from the start of a rotation: this run proves the count.
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
    expect(run).toEqual({ redrives: 0, violations: [], errors: [], invariantChecks: 4 });
  });

  test.each(CLEAN_ROTATION_CALLS.map((action, i) => ({ kind, n: i + 1, action })))(
    '$kind at call $n ($action): working key throughout, rotation completes, after a sweep only the current and the outgoing key in grace',
    async ({ n, action }) => {
      const { secretArn, token } = await consumerMidRotation(`m-${kind}-${n}`);
      const start = world.proxy.callCount();
      world.proxy.injectFault(start + n, kind);

      const run = await driveRotation(world, warm, secretArn, token);

      const made = world.proxy.calls().slice(start);
      expect(made[n - 1]).toMatchObject({ action, fault: kind });
      expect(run.violations).toEqual([]);
      expect((await viewSecret(secretArn, world.clients)).currentVersion).toBe(token);
      rotated.push(secretArn);
      await sweepAll(sweeper);
      expect(await unaccountedKeys(world, secretArn)).toEqual([]);
      expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
      summary.push(
        `${kind} at call ${n} (${action}): ${made.length} calls, ${run.redrives} re-deliveries`
      );
    },
    60_000
  );

  test(`after all ${kind} cases, retire and delete times forced: only the current key is left for each consumer`, async () => {
    expect(rotated).toHaveLength(K);
    // Each rotated consumer's current value was read by a check: the leak scans had values.
    expect(issuedValues.size).toBeGreaterThan(K);
    await settle(world, sweeper);
    const left = await Promise.all(rotated.map((secretArn) => strayKeys(world, secretArn)));
    expect(left.flat()).toEqual([]);
    for (const secretArn of rotated) {
      expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    }
  }, 120_000);
}
