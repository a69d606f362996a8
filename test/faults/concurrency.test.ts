/**
 * Issue 5 part 2, concurrency: a sweep around and during every step of a rotation; rotations
 * of different consumers in parallel; the same step delivered twice at once. Each container is
 * a separate instance of the bundle (its own clients and module state), as separate Lambda
 * containers are. After each: the invariant, the rotation complete, no stray key after the sweep.
 */
import { createSteadyConsumer } from '../../bench/rotation-fixture';
import { KeyTag } from '../../contract';
import { ROTATION_STEPS } from '../../lambdas/rotation/events';
import { invariantViolations, viewSecret } from '../e2e/support/aws';
import { deliver, driveRotation, settle, strayKeys, sweepAll } from './support/rotation-driver';
import { keysOf, newContainer, stageRotation, useWorld, type World } from './support/world';

let world: World;
useWorld(2, (ready) => (world = ready));

async function expectSettledAndWhole(secretArn: string, token: string): Promise<void> {
  expect((await viewSecret(secretArn, world.clients)).currentVersion).toBe(token);
  expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
  await settle(world);
  expect(await strayKeys(world, secretArn)).toEqual([]);
  expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
}

test('a sweep before, during and after every step never retires the pending or the current key', async () => {
  const secretArn = await createSteadyConsumer(world.clients, 'swept', world.planIds);
  const token = await stageRotation(world, secretArn);
  const rotating = newContainer();
  const sweeping = newContainer();

  for (const step of ROTATION_STEPS) {
    await sweepAll(sweeping);
    const [stepOutcome, sweepOutcome] = await Promise.allSettled([
      deliver(rotating, secretArn, token, step),
      sweepAll(sweeping),
    ]);
    expect(stepOutcome.status).toBe('fulfilled');
    expect(sweepOutcome).toMatchObject({ status: 'fulfilled', value: { failures: 0 } });
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    const pending = (await keysOf(world, secretArn)).filter(
      (key) => key.tags[KeyTag.SECRET_VERSION] === token
    );
    expect(pending.map((key) => key.enabled)).toEqual([true]);
  }
  await sweepAll(sweeping);
  await expectSettledAndWhole(secretArn, token);
});

test('six consumers rotate in parallel, each through its own container', async () => {
  const consumers = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const secretArn = await createSteadyConsumer(world.clients, `parallel-${i}`, world.planIds);
      return { secretArn, token: await stageRotation(world, secretArn) };
    })
  );

  const runs = await Promise.all(
    consumers.map(({ secretArn, token }) => driveRotation(world, newContainer(), secretArn, token))
  );

  expect(runs.flatMap((run) => run.violations)).toEqual([]);
  for (const { secretArn, token } of consumers) await expectSettledAndWhole(secretArn, token);
});

test('each step delivered twice at once to two containers: one key for the version from setSecret on, rotation completes', async () => {
  const secretArn = await createSteadyConsumer(world.clients, 'twice', world.planIds);
  const token = await stageRotation(world, secretArn);
  const [first, second] = [newContainer(), newContainer()];

  for (const step of ROTATION_STEPS) {
    const outcomes = await Promise.allSettled([
      deliver(first, secretArn, token, step),
      deliver(second, secretArn, token, step),
    ]);
    // A loser may fail; Secrets Manager then delivers the step again, and that must pass.
    if (outcomes.some((outcome) => outcome.status === 'rejected')) {
      await deliver(first, secretArn, token, step);
    }
    expect(await invariantViolations(secretArn, world.clients)).toEqual([]);
    const madeForVersion = (await keysOf(world, secretArn)).filter(
      (key) => key.tags[KeyTag.SECRET_VERSION] === token
    );
    // Two createSecret runs may each make a key before either writes the version (a race
    // moto's PutSecretValue does not serialise); setSecret deletes the one not handed out.
    if (step === 'createSecret') expect([1, 2]).toContain(madeForVersion.length);
    else expect(madeForVersion).toHaveLength(1);
  }
  await expectSettledAndWhole(secretArn, token);
});
