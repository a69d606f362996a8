/**
 * Issue 5 part 1, the soak: 200 rotations over 20 consumers, several consumers at once (each
 * worker a warm container), with faults in 10% of rotations: every AWS call the function makes
 * fails with probability 10% / K (K = 11 calls a rotation), kind drawn uniformly (500,
 * throttling, reset, timeout), from a seeded generator. (At 10% of every call, the run was
 * dominated by waiting out 5 s timeouts and backoff and did not finish within 15 minutes on
 * the shared 2-core machine.) The invariant is checked after every rotation, and after every
 * step delivery from a rotation's first fault on (the fault matrix checks every delivery of a
 * clean rotation). The run must have met faults, and the function's captured output must hold
 * none of the key values the checks read. The figures go to stdout and to
 * .keyplane/reports/soak.json.
 *
 * Set FAULTS_SEED to replay a run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createSteadyConsumer } from '../../bench/rotation-fixture';
import { KEYPLANE_DIR } from '../../scripts/local-aws';
import { FAULT_KINDS } from '../../scripts/local-aws/aws-proxy';
import { invariantViolations, issuedValues, viewSecret } from '../e2e/support/aws';
import { leaks } from '../e2e/support/deploy';
import { captureStdout, type CapturedStdout } from '../lambdas/rotation/support/stdout';
import { CLEAN_ROTATION_CALLS } from './support/fault-matrix';
import { driveRotation, settle, strayKeys } from './support/rotation-driver';
import { seededRandom } from './support/seeded-random';
import { newContainer, stageRotation, startWorld, type World } from './support/world';

const CONSUMERS = 20;
const ROTATIONS_PER_CONSUMER = 10;
/** Share of rotations that meet a fault. */
const FAULT_RATE = 0.1;
/** Calls of one rotation (the fault matrix checks it). */
const CALLS_PER_ROTATION = CLEAN_ROTATION_CALLS.length;
/** Consumers rotating at once, each through its own container. */
const WORKERS = 8;
/**
 * The whole soak, set-up and sweeps included, must finish within this: it catches a hang or a
 * back-off storm, it is not a benchmark. An idle 2-core machine takes about 320 s, most of it
 * moto answering the ~7,000 calls (the function's and the invariant checks after every step).
 */
const BOUND_MS = 480_000;
const REPORT = path.join(KEYPLANE_DIR, 'reports', 'soak.json');

let world: World;
let stdout: CapturedStdout;

beforeAll(async () => {
  world = await startWorld(4);
}, 300_000);

afterAll(async () => {
  await world?.close();
});

test(
  `${CONSUMERS * ROTATIONS_PER_CONSUMER} rotations, ${FAULT_RATE * 100}% of them faulted at random: ` +
    `all complete, 0 invariant violations, 0 stray keys after the sweep, within ${BOUND_MS / 1000} s`,
  async () => {
    const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 2 ** 31);
    console.info(`soak seed: ${seed} (FAULTS_SEED=${seed} replays it)`);
    const random = seededRandom(seed);
    const started = Date.now();
    const secrets: string[] = [];
    for (let i = 0; i < CONSUMERS; i++) {
      const plans = [world.planIds[i % 4], world.planIds[(i + 1) % 4]];
      secrets.push(await createSteadyConsumer(world.clients, `soak-${i}`, plans));
    }
    const callsBefore = world.proxy.callCount();
    world.proxy.setFaultPolicy(() =>
      random() < FAULT_RATE / CALLS_PER_ROTATION
        ? FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]
        : undefined
    );

    let completed = 0;
    let redeliveries = 0;
    let checksAfterDelivery = 0;
    const violations: string[] = [];
    const failures: string[] = [];
    stdout = captureStdout();
    try {
      let next = 0;
      const worker = async () => {
        while (next < secrets.length) {
          const secretArn = secrets[next++];
          const container = newContainer();
          for (let r = 0; r < ROTATIONS_PER_CONSUMER; r++) {
            try {
              const token = await stageRotation(world, secretArn);
              const run = await driveRotation(world, container, secretArn, token, {
                checkInvariant: 'from-first-fault',
              });
              redeliveries += run.redrives;
              checksAfterDelivery += run.invariantChecks;
              violations.push(...run.violations);
              const { currentVersion } = await viewSecret(secretArn, world.clients);
              if (currentVersion === token) completed++;
              else
                failures.push(`${secretArn}: rotation ${r} ended with ${currentVersion} current`);
            } catch (error) {
              failures.push(`${secretArn}: rotation ${r}: ${(error as Error).message}`);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
    } finally {
      world.proxy.clearFaults();
      stdout.restore();
    }
    const calls = world.proxy.calls().slice(callsBefore);
    const faultsInjected = calls.filter((call) => call.fault !== undefined).length;

    await settle(world);
    const stray: string[] = [];
    for (const secretArn of secrets) {
      stray.push(...(await strayKeys(world, secretArn)));
      violations.push(...(await invariantViolations(secretArn, world.clients)));
    }
    const durationMs = Date.now() - started;

    const figures = {
      seed,
      consumers: CONSUMERS,
      rotationsAttempted: CONSUMERS * ROTATIONS_PER_CONSUMER,
      rotationsCompleted: completed,
      faultedRotationShare: FAULT_RATE,
      faultProbabilityPerCall: FAULT_RATE / CALLS_PER_ROTATION,
      functionCalls: calls.length,
      faultsInjected: Object.fromEntries(
        FAULT_KINDS.map((kind) => [kind, calls.filter((call) => call.fault === kind).length])
      ),
      sdkRetries: calls.filter((call) => call.attempt > 1).length,
      stepRedeliveries: redeliveries,
      invariantChecksAfterDelivery: checksAfterDelivery,
      invariantViolations: violations.length,
      strayKeysAfterSweep: stray.length,
      workers: WORKERS,
      durationMs,
      boundMs: BOUND_MS,
      finishedAt: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, `${JSON.stringify(figures, null, 2)}\n`);
    console.info(`soak figures (${REPORT}):\n${JSON.stringify(figures, null, 2)}`);

    expect(faultsInjected).toBeGreaterThan(0);
    expect(issuedValues.size).toBeGreaterThanOrEqual(CONSUMERS * ROTATIONS_PER_CONSUMER);
    expect(leaks(issuedValues, [], [stdout.text()])).toEqual([]);
    expect(failures).toEqual([]);
    expect(violations).toEqual([]);
    expect(stray).toEqual([]);
    expect(completed).toBe(CONSUMERS * ROTATIONS_PER_CONSUMER);
    expect(durationMs).toBeLessThan(BOUND_MS);
  },
  900_000
);
