/**
 * A counting HTTP proxy on the loopback interface: every request is forwarded unchanged to the
 * emulator and counted by AWS API action, so the bench sees exactly the calls a client made
 * (retries included: each HTTP request is one call, as AWS's rate limits count them).
 *
 * JSON protocols (Secrets Manager) name the action in the X-Amz-Target header; API Gateway's
 * REST protocol names it by method and path, which `restAction` maps to the API's names.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export type CallCounts = Record<string, number>;

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

export interface CallCounter {
  /** http://127.0.0.1:<port>: give it to the client as its endpoint. */
  readonly endpoint: string;
  /** A copy of the counts so far. */
  snapshot(): CallCounts;
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (http://host:port) on a free loopback port. */
export function startCallCounter(upstream: string): Promise<CallCounter> {
  const target = new URL(upstream);
  const counts: CallCounts = {};
  const server = http.createServer((req, res) => {
    const header = req.headers['x-amz-target'];
    const action = actionOf(
      req.method ?? 'GET',
      req.url ?? '/',
      Array.isArray(header) ? header[0] : header
    );
    counts[action] = (counts[action] ?? 0) + 1;
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    forward.on('error', (error) => {
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
