/**
 * A stand-in for API Gateway's account-wide control-plane quota (10 requests/s, bursts of 40,
 * per account and Region): an HTTP server on 127.0.0.1 that every simulated function container
 * calls. One token bucket serves all its clients; a request with no token left is answered 429
 * TooManyRequestsException exactly as API Gateway answers it (the shape the SDK classifies as
 * throttling, as scripts/local-aws/aws-proxy.ts injects it), any other request 200 with a small
 * JSON body, at once (no service time: the worst case for pacing).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

/** API Gateway's published total-operations quota (rate-limits.ts names its source). */
export const API_GATEWAY_ACCOUNT_QUOTA = { ratePerSecond: 10, burst: 40 } as const;

/** A token bucket that answers at once: admitted or not, never waiting. */
export class AccountQuota {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError(
        `an account quota needs ratePerSecond > 0 and burst >= 1, got ${ratePerSecond} and ${burst}`
      );
    }
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token if there is one. */
  admit(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.last) / 1000) * this.ratePerSecond
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface QuotaStandIn {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Starts a fresh quota (a full burst, as after an idle period) and zeroes the counts. */
  reset(): void;
  /** Requests answered since the last reset: admitted, and refused with 429. */
  counts(): { admitted: number; throttled: number };
  stop(): Promise<void>;
}

/** The answer API Gateway gives a throttled control-plane call. */
export const THROTTLED = {
  status: 429,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
  body: JSON.stringify({ message: 'Too Many Requests' }),
} as const;

export async function startQuotaStandIn(
  limit: { ratePerSecond: number; burst: number } = API_GATEWAY_ACCOUNT_QUOTA
): Promise<QuotaStandIn> {
  let quota = new AccountQuota(limit.ratePerSecond, limit.burst);
  let admitted = 0;
  let throttled = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (quota.admit()) {
        admitted += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'stand-in' }));
      } else {
        throttled += 1;
        res.writeHead(THROTTLED.status, THROTTLED.headers);
        res.end(THROTTLED.body);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    reset: () => {
      quota = new AccountQuota(limit.ratePerSecond, limit.burst);
      admitted = 0;
      throttled = 0;
    },
    counts: () => ({ admitted, throttled }),
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
