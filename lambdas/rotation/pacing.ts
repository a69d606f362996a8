/**
 * Client-side pacing of API Gateway control-plane calls, so a sweep over thousands of keys stays
 * under the account-wide limits it shares with everything else in the account (Terraform,
 * consoles, other stacks): CreateApiKey and DeleteApiKey 5/s each, 10/s for all calls together
 * (bursts of 40). This function takes half of each, which leaves room for the rest, and divides
 * that half among the containers that may run at once (its reserved concurrency): containers
 * share no state, so only a per-container share keeps all of them together within the half
 * (bench/pacing.ts measures it). The SDK's adaptive retry absorbs any throttling that still
 * happens.
 */

export interface RateLimit {
  /** Sustained calls per second. */
  readonly ratePerSecond: number;
  /** Calls allowed at once after an idle period. */
  readonly burst: number;
}

export interface ApiGatewayLimits {
  /** Every API Gateway call this function makes, reads included. */
  readonly all: RateLimit;
  /** Tighter limits for single operations, by operation name. */
  readonly perOperation: Readonly<Record<string, RateLimit>>;
}

/** Half of API Gateway's account-wide control-plane limits: the whole function's share. */
export const API_GATEWAY_LIMITS: ApiGatewayLimits = {
  all: { ratePerSecond: 5, burst: 10 },
  perOperation: {
    CreateApiKey: { ratePerSecond: 2.5, burst: 5 },
    DeleteApiKey: { ratePerSecond: 2.5, burst: 5 },
  },
};

/**
 * One container's limits when up to `containers` containers of the function run at once: each
 * rate divided by `containers`, each burst too (at least 1), so that all of them together stay
 * within `limits` however many run. With 1, `limits` itself.
 */
export function containerLimits(
  containers: number,
  limits: ApiGatewayLimits = API_GATEWAY_LIMITS
): ApiGatewayLimits {
  if (!Number.isInteger(containers) || containers < 1) {
    throw new RangeError(`containers must be a whole number of at least 1, got ${containers}`);
  }
  const share = (limit: RateLimit): RateLimit => ({
    ratePerSecond: limit.ratePerSecond / containers,
    burst: Math.max(1, Math.floor(limit.burst / containers)),
  });
  return {
    all: share(limits.all),
    perOperation: Object.fromEntries(
      Object.entries(limits.perOperation).map(([operation, limit]) => [operation, share(limit)])
    ),
  };
}

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A token bucket: `take()` resolves when a call may go; callers are served in order. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: Clock = Date.now,
    private readonly sleep: Sleep = realSleep
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError('a rate limit needs ratePerSecond > 0 and burst >= 1');
    }
    this.tokens = limit.burst;
    this.last = now();
  }

  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.sleep(Math.ceil(((1 - this.tokens) / this.limit.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    const earned = ((now - this.last) / 1000) * this.limit.ratePerSecond;
    this.tokens = Math.min(this.limit.burst, this.tokens + earned);
    this.last = now;
  }
}

/** Paces API Gateway calls by operation name (e.g. "CreateApiKey"). */
export class ApiGatewayPacer {
  private readonly all: TokenBucket;
  private readonly perOperation = new Map<string, TokenBucket>();

  constructor(limits: ApiGatewayLimits = API_GATEWAY_LIMITS, now?: Clock, sleep?: Sleep) {
    this.all = new TokenBucket(limits.all, now, sleep);
    for (const [operation, limit] of Object.entries(limits.perOperation)) {
      this.perOperation.set(operation, new TokenBucket(limit, now, sleep));
    }
  }

  async acquire(operation: string): Promise<void> {
    await this.perOperation.get(operation)?.take();
    await this.all.take();
  }
}

/** "GetApiKeysCommand" -> "GetApiKeys". */
export function operationName(commandName: string | undefined): string {
  return (commandName ?? '').replace(/Command$/, '');
}
