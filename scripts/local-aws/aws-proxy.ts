/**
 * An HTTP proxy on the loopback interface between an AWS SDK client and the emulator: every
 * request is counted by AWS API action (retries included: each HTTP request is one call, as
 * AWS's rate limits count them) and forwarded unchanged, unless a fault was scheduled for it.
 *
 * Faults, each on the Nth request the proxy receives (1-based, in arrival order):
 * - `http-500`: not forwarded; answered 500 with the service's internal-error body.
 * - `throttle`: not forwarded; answered as the service throttles (Secrets Manager: 400
 *   ThrottlingException; API Gateway: 429 TooManyRequestsException).
 * - `reset`: forwarded, then the client's socket is destroyed before the answer goes back: the
 *   call may have taken effect and the client cannot know.
 * - `timeout`: forwarded, then the answer is held until the client gives up (or `holdMs`).
 *
 * JSON protocols (Secrets Manager) name the action in the X-Amz-Target header; API Gateway's
 * REST protocol names it by method and path, which `actionOf` maps to the API's names.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export type CallCounts = Record<string, number>;

export const FAULT_KINDS = ['http-500', 'throttle', 'reset', 'timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** API Gateway REST routes the rotation Lambda uses: "<METHOD> <path with ids as {}>". */
const API_GATEWAY_ACTIONS: Record<string, string> = {
  'GET /apikeys': 'apigateway.GetApiKeys',
  'POST /apikeys': 'apigateway.CreateApiKey',
  'GET /apikeys/{}': 'apigateway.GetApiKey',
  'PATCH /apikeys/{}': 'apigateway.UpdateApiKey',
  'DELETE /apikeys/{}': 'apigateway.DeleteApiKey',
  'GET /usageplans': 'apigateway.GetUsagePlans',
  'GET /usageplans/{}': 'apigateway.GetUsagePlan',
  'GET /usageplans/{}/keys': 'apigateway.GetUsagePlanKeys',
  'POST /usageplans/{}/keys': 'apigateway.CreateUsagePlanKey',
  'GET /usageplans/{}/keys/{}': 'apigateway.GetUsagePlanKey',
  'DELETE /usageplans/{}/keys/{}': 'apigateway.DeleteUsagePlanKey',
  'GET /tags/{}': 'apigateway.GetTags',
  'PUT /tags/{}': 'apigateway.TagResource',
  'DELETE /tags/{}': 'apigateway.UntagResource',
};

/** The action of one request: X-Amz-Target for JSON protocols, else the REST route. */
export function actionOf(method: string, url: string, target: string | undefined): string {
  if (target) {
    // "secretsmanager.PutSecretValue"
    return target;
  }
  const pathname = url.split('?')[0];
  const [collection, ...rest] = pathname.split('/').filter(Boolean);
  // /tags/<arn with encoded slashes> is one id; other routes alternate collection / id.
  const shape =
    collection === 'tags'
      ? ['tags', '{}']
      : [collection, ...rest.map((part, i) => (i % 2 === 0 ? '{}' : part))];
  const route = `${method} /${shape.join('/')}`;
  return API_GATEWAY_ACTIONS[route] ?? `apigateway? ${route}`;
}

/** The error answer a service gives for a refused call, in its protocol's shape. */
function errorAnswer(kind: 'http-500' | 'throttle', jsonProtocol: boolean) {
  if (jsonProtocol) {
    const [status, type, message] =
      kind === 'http-500'
        ? [500, 'InternalServiceError', 'injected internal error']
        : [400, 'ThrottlingException', 'Rate exceeded'];
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ __type: type, message }),
    };
  }
  const [status, type, message] =
    kind === 'http-500'
      ? [500, 'InternalFailure', 'injected internal error']
      : [429, 'TooManyRequestsException', 'Too Many Requests'];
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({ message }),
  };
}

/**
 * Chooses the fault of one request, from its action, number and region (from its signature);
 * undefined for none.
 */
export type FaultPolicy = (call: {
  seq: number;
  action: string;
  region?: string;
}) => FaultKind | undefined;

/** The region a SigV4 request is signed for: "Credential=<key>/<date>/<region>/<service>/...". */
function regionOf(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? '')?.[1];
}

/** "attempt=2; max=6" -> 2; 1 when the header is absent. */
function attemptOf(header: string | string[] | undefined): number {
  const match = /attempt=(\d+)/.exec(Array.isArray(header) ? header[0] : (header ?? ''));
  return match ? Number(match[1]) : 1;
}

/** One request the proxy received. */
export interface ProxiedCall {
  /** 1-based arrival order. */
  readonly seq: number;
  readonly action: string;
  /** The SDK's attempt number (amz-sdk-request header): above 1 for a retry. */
  readonly attempt: number;
  /** The fault injected into it, if any. */
  readonly fault?: FaultKind;
}

export interface AwsProxy {
  /** http://127.0.0.1:<port>: give it to the client as its endpoint. */
  readonly endpoint: string;
  /** A copy of the counts by action so far. */
  snapshot(): CallCounts;
  /** Requests received so far. */
  callCount(): number;
  /** Every request received so far, in order. */
  calls(): readonly ProxiedCall[];
  /** Fails the requests numbered `from` .. `from + times - 1` (1-based) with `kind`. */
  injectFault(from: number, kind: FaultKind, times?: number): void;
  /**
   * Decides a fault for every request not given one by `injectFault`; undefined forwards it.
   * Pass undefined to stop.
   */
  setFaultPolicy(policy: FaultPolicy | undefined): void;
  /** Drops faults not yet injected, and the policy. */
  clearFaults(): void;
  close(): Promise<void>;
}

export interface AwsProxyOptions {
  /**
   * How long a `timeout` fault holds an answer if the client never gives up.
   *
   * @default 60000
   */
  readonly holdMs?: number;
}

/** Starts a proxy to `upstream` (http://host:port) on a free loopback port. */
export function startAwsProxy(upstream: string, options: AwsProxyOptions = {}): Promise<AwsProxy> {
  const target = new URL(upstream);
  const holdMs = options.holdMs ?? 60_000;
  const counts: CallCounts = {};
  const log: ProxiedCall[] = [];
  const faults = new Map<number, FaultKind>();
  let policy: FaultPolicy | undefined;

  const server = http.createServer((req, res) => {
    const header = req.headers['x-amz-target'];
    const amzTarget = Array.isArray(header) ? header[0] : header;
    const action = actionOf(req.method ?? 'GET', req.url ?? '/', amzTarget);
    counts[action] = (counts[action] ?? 0) + 1;
    const seq = log.length + 1;
    const region = regionOf(req.headers.authorization);
    const fault = faults.get(seq) ?? policy?.({ seq, action, ...(region ? { region } : {}) });
    faults.delete(seq);
    const attempt = attemptOf(req.headers['amz-sdk-request']);
    log.push(fault === undefined ? { seq, action, attempt } : { seq, action, attempt, fault });

    if (fault === 'http-500' || fault === 'throttle') {
      const answer = errorAnswer(fault, amzTarget !== undefined);
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
      return;
    }
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fault === 'reset') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        if (fault === 'timeout') {
          answer.resume();
          const timer = setTimeout(() => req.socket.destroy(), holdMs);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    forward.on('error', (error) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        snapshot: () => ({ ...counts }),
        callCount: () => log.length,
        calls: () => [...log],
        injectFault: (from, kind, times = 1) => {
          for (let seq = from; seq < from + times; seq++) faults.set(seq, kind);
        },
        setFaultPolicy: (next) => {
          policy = next;
        },
        clearFaults: () => {
          faults.clear();
          policy = undefined;
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Counts made between two snapshots. */
export function countsBetween(before: CallCounts, after: CallCounts): CallCounts {
  const diff: CallCounts = {};
  for (const [action, n] of Object.entries(after)) {
    const made = n - (before[action] ?? 0);
    if (made > 0) diff[action] = made;
  }
  return diff;
}

export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
