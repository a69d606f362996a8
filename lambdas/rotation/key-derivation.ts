/**
 * The key value of a secret version, derived rather than drawn: the body's random bytes come
 * from a MAC, under the service's KMS HMAC key (ownership.ts), over (service, secret ARN,
 * version id), stretched by HMAC-SHA-256 in counter mode. Only the function's role can compute
 * it, and every delivery of createSecret for a version computes the same value.
 *
 * That is what makes createSecret safe to repeat without a lookup first: API Gateway keeps key
 * values unique in a region ("Two API keys are identical if they have the same key value",
 * API Gateway Developer Guide, API key file format), so a repeat after a crash or a lost answer
 * gets a ConflictException from CreateApiKey instead of a second key, and only then looks the
 * first one up. Each new rotation has a new version id, so a new value; the seed's message has
 * its own first line, so it never equals a proof, which is published in tags.
 */
import { createHmac } from 'crypto';
import type { RandomBytes } from './key-value';
import type { KeyOrigin } from './managed-key';

/** First line of the seed's message. */
const KEY_VALUE_MESSAGE = 'keyplane-key-value/v1';

/**
 * The bytes whose MAC seeds a version's key value. The version id is the ClientRequestToken,
 * which whoever calls RotateSecret may choose, so a token replayed after its version is gone
 * would otherwise bring back that version's (perhaps revoked, leaked) value. The version that
 * is AWSCURRENT while the rotation runs is in the message too: it stays the same for every
 * delivery of one rotation and has moved on by the time any replay could happen.
 */
export function keyValueMessage(origin: KeyOrigin, currentVersionId: string): Uint8Array {
  return new TextEncoder().encode(
    [KEY_VALUE_MESSAGE, origin.service, origin.secretArn, origin.versionId, currentVersionId].join(
      '\n'
    )
  );
}

/**
 * An endless, deterministic byte stream from a seed, for generateKeyValue's rejection sampler:
 * block i is HMAC-SHA-256(seed, i as 4 bytes big-endian).
 */
export function derivedBytes(seed: Uint8Array): RandomBytes {
  let block = 0;
  let buffered = Buffer.alloc(0);
  return (size) => {
    while (buffered.length < size) {
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(block++);
      buffered = Buffer.concat([buffered, createHmac('sha256', seed).update(counter).digest()]);
    }
    const out = buffered.subarray(0, size);
    buffered = buffered.subarray(size);
    return out;
  };
}
