/**
 * What rotation costs. On a private moto, with the function's AWS calls sent
 * through a counting proxy (scripts/local-aws/aws-proxy.ts) and resources made directly (rotation-fixture.ts):
 *
 * 1. `consumers` consumers each rotated `rotationsPerConsumer` times by RotateSecret, which on
 *    the harness runs the real zipped function's four steps: calls per rotation by action
 *    (the first, bootstrap rotation apart), and wall time per rotation and in all. The
 *    function's clock runs 30 days further each round (function-clock.mjs), so these are
 *    scheduled rotations; then one more round at once, quick rotations (within the grace of
 *    the last, as `keyplane rotate` right after one), measured apart.
 * 2. Steady consumers written directly up to `sweepKeys` keys, and `otherKeys` keys of other
 *    services (as other shards in the region hold), then one sweep invoked (and resumed while it
 *    returns a cursor): calls per sweep by action.
 * 3. Both call mixes priced at AWS's published rate quotas (rate-limits.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { SWEEP_EVENT } from '../contract/events';
import { startLocalAws } from '../scripts/local-aws';
import {
  countsBetween,
  startAwsProxy,
  totalCalls,
  type CallCounts,
} from '../scripts/local-aws/aws-proxy';
import { timeAtLimits, type LimitTime } from './rate-limits';
import {
  createRotatingConsumer,
  createOtherServiceKey,
  createRotationFunction,
  createSteadyConsumer,
  createUsagePlans,
  fixtureClients,
  type FixtureClients,
} from './rotation-fixture';
import { summarize, type Summary } from './stats';

export interface RotationCostSize {
  readonly consumers: number;
  readonly rotationsPerConsumer: number;
  /** Keys of the service (rotated ones, then steady ones written directly) the sweep sees. */
  readonly sweepKeys: number;
  /** Keys of other services in the region (other shards'), which the sweep lists and skips. */
  readonly otherKeys: number;
  readonly usagePlans: number;
  /** Rotations in flight at once (each runs node processes; the machine has 2 cores). */
  readonly concurrency: number;
}

export interface CallMix {
  readonly rotations: number;
  readonly calls: CallCounts;
  readonly perRotation: number;
}

export interface RotationCostMeasure {
  readonly size: RotationCostSize;
  /** First rotations: the bootstrap placeholder is replaced, no key to retire. */
  readonly bootstrap: CallMix;
  /** Later rotations: a new key, and the outgoing one tagged with its retire-after. */
  readonly regular: CallMix;
  /** One more rotation each right after the last: the live-key cap and key budget checks. */
  readonly quick: CallMix;
  /** Wall time of each scheduled RotateSecret (all four steps), in ms. */
  readonly rotationMs: Summary;
  /** Wall time of all scheduled rotations, in ms. */
  readonly totalRotationMs: number;
  readonly sweep: {
    /** Keys in the region: the service's and other services'. */
    readonly keys: number;
    readonly keysExamined: number;
    readonly invocations: number;
    readonly calls: CallCounts;
    readonly durationMs: number;
  };
  readonly atLimits: {
    readonly rotations: readonly LimitTime[];
    readonly sweep: readonly LimitTime[];
    readonly uncovered: readonly string[];
  };
  /** Wall time of the direct setup (plans, function, secrets and steady keys), in ms. */
  readonly setupMs: number;
}

const DAY_MS = 86_400_000;
/** Days between two scheduled rotations: the schedule rotate() gives the fixture's secrets. */
const SCHEDULE_DAYS = 30;

/** Runs `work` over `items`, at most `concurrency` at once. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function rotate(clients: FixtureClients, secretArn: string, functionArn?: string) {
  const started = performance.now();
  const out = await clients.secretsManager.send(
    new RotateSecretCommand({
      SecretId: secretArn,
      ...(functionArn
        ? {
            RotationLambdaARN: functionArn,
            RotationRules: { AutomaticallyAfterDays: SCHEDULE_DAYS },
          }
        : {}),
    })
  );
  const ms = performance.now() - started;
  // moto answers success even when a step failed: judge by where AWSCURRENT is.
  const secret = await clients.secretsManager.send(
    new DescribeSecretCommand({ SecretId: secretArn })
  );
  if (!secret.VersionIdsToStages?.[out.VersionId!]?.includes('AWSCURRENT')) {
    throw new Error(`rotation of ${secretArn} did not finish (see the function log)`);
  }
  return ms;
}

function addCounts(all: readonly CallCounts[]): CallCounts {
  const sum: CallCounts = {};
  for (const counts of all) {
    for (const [action, n] of Object.entries(counts)) sum[action] = (sum[action] ?? 0) + n;
  }
  return sum;
}

function mix(rotations: number, calls: CallCounts): CallMix {
  return { rotations, calls, perRotation: totalCalls(calls) / rotations };
}

export async function runRotationCost(
  size: RotationCostSize,
  log: (line: string) => void
): Promise<RotationCostMeasure> {
  const aws = await startLocalAws({ isolated: true });
  const counter = await startAwsProxy(aws.endpoint);
  const clockFile = path.join(os.tmpdir(), `keyplane-bench-clock-${process.pid}`);
  try {
    const clients = fixtureClients(aws.endpoint, aws.region);
    const setupStarted = performance.now();
    const plans = await createUsagePlans(clients, size.usagePlans);
    const moveClock = (days: number) => fs.writeFileSync(clockFile, String(days * DAY_MS));
    moveClock(0);
    const functionArn = await createRotationFunction(clients, counter.endpoint, clockFile);
    const planOf = (i: number) => plans[i % plans.length];
    const secrets: string[] = [];
    for (let i = 0; i < size.consumers; i++) {
      secrets.push(await createRotatingConsumer(clients, `rotating-${i}`, [planOf(i)]));
    }
    let setupMs = performance.now() - setupStarted;

    log(
      `rotation cost: ${size.consumers} consumers x ${size.rotationsPerConsumer} rotations, ${size.concurrency} at once`
    );
    const rotationMs: number[] = [];
    const rotationsStarted = performance.now();
    const phases: CallCounts[] = [];
    for (let round = 0; round < size.rotationsPerConsumer; round++) {
      moveClock(round * SCHEDULE_DAYS);
      const before = counter.snapshot();
      await pool(secrets, size.concurrency, async (arn) => {
        rotationMs.push(await rotate(clients, arn, round === 0 ? functionArn : undefined));
      });
      phases.push(countsBetween(before, counter.snapshot()));
    }
    const totalRotationMs = performance.now() - rotationsStarted;
    const regularCalls = addCounts(phases.slice(1));
    const bootstrap = mix(size.consumers, phases[0]);
    const regular = mix(size.consumers * (size.rotationsPerConsumer - 1), regularCalls);
    // The local AWS stamps its own (real) time on versions and rotations: at the function's own
    // clock again, the last round was moments ago.
    moveClock(0);
    const beforeQuick = counter.snapshot();
    await pool(secrets, size.concurrency, async (arn) => {
      await rotate(clients, arn);
    });
    const quick = mix(size.consumers, countsBetween(beforeQuick, counter.snapshot()));

    const steady = size.sweepKeys - size.consumers * (size.rotationsPerConsumer + 1);
    log(`rotation cost: writing ${steady} steady consumers for the ${size.sweepKeys}-key sweep`);
    const steadyStarted = performance.now();
    const indexes = Array.from({ length: Math.max(steady, 0) }, (_, i) => i);
    await pool(indexes, 8, async (i) => {
      await createSteadyConsumer(clients, `steady-${i}`, [planOf(i)]);
    });
    log(`rotation cost: writing ${size.otherKeys} keys of other services`);
    await pool(
      Array.from({ length: size.otherKeys }, (_, i) => i),
      16,
      async (i) => {
        await createOtherServiceKey(clients, `other-${i}`, `bench-shard-${i % 6}`);
      }
    );
    setupMs += performance.now() - steadyStarted;

    log('rotation cost: sweeping');
    const beforeSweep = counter.snapshot();
    const sweepStarted = performance.now();
    let cursor: string | undefined;
    let invocations = 0;
    let keysExamined = 0;
    do {
      invocations += 1;
      const out = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: functionArn,
          Payload: Buffer.from(JSON.stringify({ ...SWEEP_EVENT, ...(cursor ? { cursor } : {}) })),
        })
      );
      const payload = JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || '{}') as {
        complete?: boolean;
        cursor?: string;
        counts?: { keysExamined?: number };
        errorMessage?: string;
      };
      if (out.FunctionError) throw new Error(`sweep failed: ${payload.errorMessage}`);
      keysExamined += payload.counts?.keysExamined ?? 0;
      cursor = payload.complete ? undefined : payload.cursor;
    } while (cursor && invocations < 20);
    const sweepMs = performance.now() - sweepStarted;
    const sweepCalls = countsBetween(beforeSweep, counter.snapshot());

    const rotationCalls = addCounts(phases);
    const rotationLimits = timeAtLimits(rotationCalls);
    const sweepLimits = timeAtLimits(sweepCalls);
    return {
      size,
      bootstrap,
      regular,
      quick,
      rotationMs: summarize(rotationMs),
      totalRotationMs,
      sweep: {
        keys: size.sweepKeys + size.otherKeys,
        keysExamined,
        invocations,
        calls: sweepCalls,
        durationMs: sweepMs,
      },
      atLimits: {
        rotations: rotationLimits.times,
        sweep: sweepLimits.times,
        uncovered: [...new Set([...rotationLimits.uncovered, ...sweepLimits.uncovered])],
      },
      setupMs,
    };
  } finally {
    fs.rmSync(clockFile, { force: true });
    await counter.close();
    await aws.stop();
  }
}
