/**
 * Pacing across concurrent function containers: N simulated containers call a stand-in of API
 * Gateway's account-wide quota (account-quota.ts: 10 requests/s, bursts of 40, shared by all)
 * at once, each through the function's own API Gateway client as lambdas/rotation/index.ts
 * builds it for a container (clients.ts: its pacer at the container's share, the SDK's adaptive
 * retry, MAX_ATTEMPTS), each running a rotation-and-sweep call mix back to back. Against two
 * baselines measured in the same run (PACING_CLIENTS).
 *
 * Real time, no compressed clock: the SDK's backoff and its adaptive rate limiter run on the
 * wall clock, which is what decides whether a call outlasts its attempts.
 */
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  TagResourceCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { DEFAULT_RESERVED_CONCURRENCY } from '../constructs/rotation-service-settings';
import { createClients } from '../lambdas/rotation/clients';
import { containerLimits } from '../lambdas/rotation/pacing';
import { API_GATEWAY_ACCOUNT_QUOTA, startQuotaStandIn, type QuotaStandIn } from './account-quota';
import type { Figure } from './figures';
import { percentile } from './stats';

export interface PacingSize {
  /** Containers running at once, one run each. */
  readonly containers: readonly number[];
  /** Rotations each container runs, then one sweep burst. */
  readonly rotations: number;
  /** Usage plans of each key (a CreateUsagePlanKey each per rotation). */
  readonly plans: number;
  /** Keys the sweep burst retires (out of its plans, disabled, tagged) and deletes. */
  readonly sweep: { retire: number; delete: number };
  /** Calls per second of another user of the account (GetApiKeys), for as long as the containers run. */
  readonly coTenantPerSecond: number;
}

/** What the other user of the account saw during a run. */
export interface CoTenantRun {
  readonly calls: number;
  /** Its requests answered 429 (each attempt counts). */
  readonly throttled: number;
  /** Its calls that failed after the SDK's default retries (standard mode, 3 attempts). */
  readonly failed: number;
}

export interface PacingRun {
  readonly containers: number;
  readonly calls: number;
  /** Calls that failed after the SDK's retries ran out, by error name. */
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  /** The containers' requests the stand-in answered 429 (each attempt counts). */
  readonly throttled: number;
  /** Successful calls per second of wall time, all containers together. */
  readonly callsPerSecond: number;
  /** Per call, from send to its answer: pacing, attempts and backoff included. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly wallMs: number;
  readonly coTenant: CoTenantRun;
}

/** A container's API Gateway client, as the function builds it or as a baseline would. */
export interface PacingClient {
  readonly name: string;
  /** The client of one of `containers` containers running at once. */
  readonly make: (endpoint: string, containers: number) => APIGatewayClient;
}

export interface PacingMeasure {
  readonly size: PacingSize;
  readonly quota: typeof API_GATEWAY_ACCOUNT_QUOTA;
  /** Each client's runs, in the order of `size.containers`. */
  readonly runs: Readonly<Record<PacingClientName, readonly PacingRun[]>>;
}

type Call = (client: APIGatewayClient) => Promise<unknown>;

const FAKE = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDBENCHPACING', secretAccessKey: 'bench-not-a-secret' },
};
const UNLIMITED = { ratePerSecond: Number.POSITIVE_INFINITY, burst: Number.POSITIVE_INFINITY };

/**
 * keyplane: the function's client as index.ts builds it in a deployment of the default
 * reservedConcurrency, or of as many as run when more do (a deployment that raised it). The
 * two others are baselines: each container at the function's whole share (the pacing before it
 * was divided among containers), and no pacer with the SDK's standard retry mode.
 */
export const PACING_CLIENTS = {
  keyplane: {
    name: `keyplane (reservedConcurrency ${DEFAULT_RESERVED_CONCURRENCY}, or the containers when more)`,
    make: (endpoint, containers) =>
      createClients(
        { ...FAKE, endpoint },
        containerLimits(Math.max(containers, DEFAULT_RESERVED_CONCURRENCY))
      ).apiGateway,
  },
  wholeShare: {
    name: "each container at the function's whole share",
    make: (endpoint) => createClients({ ...FAKE, endpoint }, containerLimits(1)).apiGateway,
  },
  unpaced: {
    name: 'no pacer, standard retry',
    make: (endpoint) =>
      createClients(
        { ...FAKE, endpoint, retryMode: 'standard' },
        { all: UNLIMITED, perOperation: {} }
      ).apiGateway,
  },
} as const satisfies Record<string, PacingClient>;

export type PacingClientName = keyof typeof PACING_CLIENTS;

/** What one container calls, in order: rotations, then a sweep burst. */
export function callMix(size: PacingSize, container: number): Call[] {
  const plans = Array.from({ length: size.plans }, (_, i) => `plan${i}`);
  const key = (what: string, i: number) => `c${container}-${what}${i}`;
  const arn = (keyId: string) => `arn:aws:apigateway:us-east-1::/apikeys/${keyId}`;
  const calls: Call[] = [];
  for (let r = 0; r < size.rotations; r++) {
    const keyId = key('new', r);
    calls.push((c) => c.send(new CreateApiKeyCommand({ name: keyId, enabled: true })));
    for (const usagePlanId of plans) {
      calls.push((c) =>
        c.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }))
      );
    }
    calls.push((c) =>
      c.send(new TagResourceCommand({ resourceArn: arn(keyId), tags: { bench: 'rotation' } }))
    );
  }
  for (let r = 0; r < size.sweep.retire; r++) {
    const keyId = key('old', r);
    for (const usagePlanId of plans) {
      calls.push((c) => c.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId })));
    }
    calls.push((c) =>
      c.send(
        new UpdateApiKeyCommand({
          apiKey: keyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }],
        })
      )
    );
    calls.push((c) =>
      c.send(new TagResourceCommand({ resourceArn: arn(keyId), tags: { bench: 'retired' } }))
    );
  }
  for (let r = 0; r < size.sweep.delete; r++) {
    const keyId = key('gone', r);
    calls.push((c) => c.send(new DeleteApiKeyCommand({ apiKey: keyId })));
  }
  return calls;
}

/**
 * Another user of the account (a Terraform run, a console): a plain SDK client with the SDK's
 * defaults, one GetApiKeys every 1/perSecond s until `done` settles.
 */
async function runCoTenant(
  endpoint: string,
  perSecond: number,
  done: Promise<unknown>
): Promise<CoTenantRun> {
  const client = new APIGatewayClient({ ...FAKE, endpoint });
  let finished = false;
  void done.finally(() => (finished = true));
  const run = { calls: 0, throttled: 0, failed: 0 };
  while (!finished) {
    const next = performance.now() + 1000 / perSecond;
    run.calls += 1;
    try {
      const { $metadata } = await client.send(new GetApiKeysCommand({}));
      run.throttled += ($metadata.attempts ?? 1) - 1;
    } catch (error) {
      run.failed += 1;
      run.throttled += (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  client.destroy();
  return run;
}

async function runContainers(
  standIn: QuotaStandIn,
  client: PacingClient,
  containers: number,
  size: PacingSize
): Promise<PacingRun> {
  standIn.reset();
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const started = performance.now();
  const work = Promise.all(
    Array.from({ length: containers }, async (_, container) => {
      const apiGateway = client.make(standIn.endpoint, containers);
      for (const call of callMix(size, container)) {
        const sent = performance.now();
        try {
          await call(apiGateway);
        } catch (error) {
          const name = error instanceof Error ? error.name : 'unknown';
          failures[name] = (failures[name] ?? 0) + 1;
        }
        latencies.push(performance.now() - sent);
      }
      apiGateway.destroy();
    })
  );
  const coTenant = runCoTenant(standIn.endpoint, size.coTenantPerSecond, work);
  await work;
  const wallMs = performance.now() - started;
  const other = await coTenant;
  const failed = Object.values(failures).reduce((sum, n) => sum + n, 0);
  return {
    containers,
    calls: latencies.length,
    failed,
    failures,
    throttled: standIn.counts().throttled - other.throttled,
    callsPerSecond: (latencies.length - failed) / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    wallMs,
    coTenant: other,
  };
}

/** Each number of containers with each client, on a fresh quota each run. */
export async function runPacing(
  size: PacingSize,
  log: (line: string) => void
): Promise<PacingMeasure> {
  const standIn = await startQuotaStandIn(API_GATEWAY_ACCOUNT_QUOTA);
  const runs: Record<PacingClientName, PacingRun[]> = { keyplane: [], wholeShare: [], unpaced: [] };
  try {
    for (const containers of size.containers) {
      for (const name of Object.keys(PACING_CLIENTS) as PacingClientName[]) {
        const client = PACING_CLIENTS[name];
        const run = await runContainers(standIn, client, containers, size);
        log(
          `pacing, ${containers} containers, ${client.name}: ${run.calls} calls in ${(run.wallMs / 1000).toFixed(1)} s, ${run.throttled} answered 429, ${run.failed} failed`
        );
        runs[name].push(run);
      }
    }
  } finally {
    await standIn.stop();
  }
  return { size, quota: API_GATEWAY_ACCOUNT_QUOTA, runs };
}

/** The main table's figures: the default reservedConcurrency, all its containers busy. */
export function pacingFigures(measure: PacingMeasure): Figure[] {
  const at = measure.size.containers.indexOf(DEFAULT_RESERVED_CONCURRENCY);
  if (at < 0)
    throw new Error(`the pacing case must run ${DEFAULT_RESERVED_CONCURRENCY} containers`);
  const keyplane = measure.runs.keyplane[at];
  const baseline = measure.runs.unpaced[at];
  const name = `API Gateway pacing, ${DEFAULT_RESERVED_CONCURRENCY} containers at once (the default reservedConcurrency) against the account's ${measure.quota.ratePerSecond}/s`;
  const against = { baselineName: PACING_CLIENTS.unpaced.name };
  return [
    {
      name: `${name}: calls failed after the retries`,
      unit: 'count',
      value: keyplane.failed,
      baseline: baseline.failed,
      ...against,
      target: { issue: 11, on: 'value', atMost: 0 },
    },
    {
      name: `${name}: requests answered 429`,
      unit: 'count',
      value: keyplane.throttled,
      baseline: baseline.throttled,
      ...against,
      target: { issue: 11, on: 'value', atMost: 0 },
    },
    {
      name: `${name}: another user's requests answered 429 (${measure.size.coTenantPerSecond}/s beside them)`,
      unit: 'count',
      value: keyplane.coTenant.throttled,
      baseline: baseline.coTenant.throttled,
      ...against,
      target: { issue: 11, on: 'value', atMost: 0 },
    },
    {
      name: `${name}: calls per second, all containers`,
      unit: '/s',
      value: keyplane.callsPerSecond,
      baseline: baseline.callsPerSecond,
      ...against,
    },
  ];
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** The pacing table of bench/README.md: every run, by containers and client. */
export function pacingTable(measure: PacingMeasure): string[][] {
  const header = [
    'containers',
    'client',
    'calls',
    'calls/s',
    '429s',
    'failed',
    'p50 s',
    'p99 s',
    'wall s',
    `other user: 429s / failed (of calls)`,
  ];
  const rows = measure.size.containers.flatMap((containers, i) =>
    (Object.keys(PACING_CLIENTS) as PacingClientName[]).map((name) => {
      const run = measure.runs[name][i];
      return [
        String(containers),
        PACING_CLIENTS[name].name,
        String(run.calls),
        run.callsPerSecond.toFixed(2),
        String(run.throttled),
        String(run.failed),
        seconds(run.p50Ms),
        seconds(run.p99Ms),
        seconds(run.wallMs),
        `${run.coTenant.throttled} / ${run.coTenant.failed} (${run.coTenant.calls})`,
      ];
    })
  );
  return [header, header.map(() => '---'), ...rows];
}
