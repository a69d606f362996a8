/**
 * Simulated API traffic on the local AWS: books requests made with a key through a usage plan
 * in the emulator's usage counters (POST /_keyplane/usage, local/emulator/moto_patches/
 * apigateway_usage.py), as API Gateway would when a consumer calls the API. Requests beyond the
 * key's remaining quota, with a disabled key or outside the plan are rejected, as AWS would.
 */

export interface Traffic {
  readonly usagePlanId: string;
  readonly keyId: string;
  readonly requests: number;
  /** The UTC day to book them on (yyyy-MM-dd). @default - today (UTC) */
  readonly date?: string;
}

export interface TrafficOutcome {
  /** Requests counted (API Gateway let them through). */
  readonly accepted: number;
  /** Requests refused: over quota, disabled key or key outside the plan. */
  readonly rejected: number;
}

/** Sends `traffic` to the emulator at `endpoint`; `region` picks its API Gateway backend. */
export async function simulateTraffic(
  endpoint: string,
  region: string,
  traffic: Traffic
): Promise<TrafficOutcome> {
  const res = await fetch(`${endpoint}/_keyplane/usage`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // moto routes by the credential scope and does not check the signature.
      authorization:
        `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/apigateway/aws4_request, ` +
        'SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(traffic),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`simulated traffic failed: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as TrafficOutcome;
}
