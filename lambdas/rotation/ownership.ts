/**
 * Ownership that a tag cannot forge, with two MACs under the service's KMS HMAC key, whose key
 * policy lets only the function's role call GenerateMac and VerifyMac (docs/trust.md):
 *
 * - the **creation proof**, tag keyplane:proof, sent in CreateApiKey itself: a MAC over
 *   (service, secret ARN, secret version id, SHA-256 of the key value). It exists before the key
 *   id does, so a key is never without its proof, and it is checked where a key is read with
 *   its value (the listings of the sweep, revoke, teardown and createSecret's recovery). A copy
 *   on another key fails: API Gateway keeps key values unique in a region.
 * - the **record proof**, `proof` in the secret version that hands the key out: a MAC over
 *   (service, secret ARN, secret version id, key id), made once the id is known. It binds the
 *   key id a version names, so setSecret and finishSecret act on that id without reading the
 *   key. Keys made before the creation proof carry this MAC as their tag and are still accepted.
 *
 * Anyone may copy tags or values, but no one else can compute a MAC for another key, value,
 * secret or version. The same key also derives each version's key value (key-derivation.ts),
 * under a message of its own, so no proof ever equals key material.
 *
 * Verifications and the MACs the function made are remembered for the container's life (a
 * MAC's validity under a key never changes), up to MEMO_LIMIT entries: a sweep pays one
 * VerifyMac per key it acts on, and a warm container verifies its own proofs for free.
 */
import { createHash } from 'crypto';
import { GenerateMacCommand, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { PROOF_MAC_ALGORITHM } from '../../contract';
import { isAwsError } from './aws-errors';
import { keyValueMessage } from './key-derivation';
import { createLogger } from './log';
import { proofSubjectOf, type KeyOrigin, type ManagedKey } from './managed-key';

const log = createLogger('ownership');

/** First line of the record proof's message: its layout's version. */
const RECORD_MESSAGE = 'keyplane-key-ownership/v1';
/** First line of the record proof's message for a key in a further region. */
const REGIONAL_RECORD_MESSAGE = 'keyplane-key-ownership/v1-regional';
/** First line of the creation proof's message. */
const CREATION_MESSAGE = 'keyplane-key-ownership/v2';
/** How a creation proof starts, so a check knows which message to verify. */
export const CREATION_PROOF_PREFIX = 'v2:';
/** Verifications and MACs remembered per container; the oldest go first. */
export const MEMO_LIMIT = 20_000;

/** What a record proof binds: the key id and where it was made. */
export interface ProofSubject extends KeyOrigin {
  readonly keyId: string;
  /**
   * The further region the key is in (contract/regional-policy.ts): bound too, so a proof never
   * vouches for a key id in another region.
   * @default - the function's own region
   */
  readonly region?: string;
}

/** The bytes the record proof covers: fixed fields, newline-separated (none holds a newline). */
export function proofMessage(subject: ProofSubject): Uint8Array {
  if (subject.region !== undefined) {
    return lines(
      REGIONAL_RECORD_MESSAGE,
      subject.service,
      subject.secretArn,
      subject.versionId,
      subject.region,
      subject.keyId
    );
  }
  return lines(
    RECORD_MESSAGE,
    subject.service,
    subject.secretArn,
    subject.versionId,
    subject.keyId
  );
}

/** The bytes the creation proof covers: the origin and the hex SHA-256 of the key value. */
export function creationProofMessage(origin: KeyOrigin, value: string): Uint8Array {
  const digest = createHash('sha256').update(value, 'utf8').digest('hex');
  return lines(CREATION_MESSAGE, origin.service, origin.secretArn, origin.versionId, digest);
}

function lines(...fields: string[]): Uint8Array {
  return new TextEncoder().encode(fields.join('\n'));
}

/** Why a key or a version was not accepted as the function's own. */
export interface Refusal {
  readonly keyId: string;
  readonly reason: string;
  /** What the function was about to do. */
  readonly action: string;
}

export class KeyOwnership {
  /** `message \n mac` (base64) -> whether the MAC is valid for the message. */
  private readonly memo = new Map<string, boolean>();
  private readonly refusals: Refusal[] = [];

  constructor(
    private readonly kms: KMSClient,
    private readonly macKeyId: string,
    private readonly service: string
  ) {}

  /** The record proof for a key the function made, written into the version that names it. */
  async prove(subject: ProofSubject): Promise<string> {
    return this.generate(proofMessage(subject));
  }

  /** The creation proof of a key about to be made with `value`, sent with CreateApiKey. */
  async proveCreation(origin: KeyOrigin, value: string): Promise<string> {
    return CREATION_PROOF_PREFIX + (await this.generate(creationProofMessage(origin, value)));
  }

  /**
   * The seed of the key value of a secret version (key-derivation.ts): secret, never stored,
   * logged or remembered; only the function's role can compute it.
   */
  async keyValueSeed(origin: KeyOrigin, currentVersionId: string): Promise<Uint8Array> {
    return this.mac(keyValueMessage(origin, currentVersionId));
  }

  /**
   * True when `proof` is the function's record proof for the subject. False (and reported) when
   * the proof is missing or wrong; KMS errors other than an invalid MAC are thrown.
   */
  async holds(subject: ProofSubject, proof: string | undefined, action: string): Promise<boolean> {
    let reason: string | undefined;
    if (subject.service !== this.service) reason = `it belongs to service ${subject.service}`;
    else if (proof === undefined) reason = 'it carries no ownership proof';
    else if (!(await this.verify(proofMessage(subject), proof))) {
      reason = 'its ownership proof is not valid';
    }
    if (reason === undefined) return true;
    this.refuse({ keyId: subject.keyId, action, reason });
    return false;
  }

  /**
   * True when a listed key's tags carry a valid proof: a creation proof over its value (so the
   * key must have been read with its value), or, on keys made before it, a record proof over
   * its id. Reported and false otherwise.
   */
  async ownsKey(key: ManagedKey, action: string): Promise<boolean> {
    const subject = proofSubjectOf(key);
    if (subject === undefined) {
      this.refuse({ keyId: key.id, action, reason: 'it has no origin tags' });
      return false;
    }
    if (!key.proof?.startsWith(CREATION_PROOF_PREFIX))
      return this.holds(subject, key.proof, action);
    let reason: string | undefined;
    if (subject.service !== this.service) reason = `it belongs to service ${subject.service}`;
    else if (key.value === undefined) reason = 'its value was not read, so its proof is unchecked';
    else if (
      !(await this.verify(
        creationProofMessage(subject, key.value),
        key.proof.slice(CREATION_PROOF_PREFIX.length)
      ))
    ) {
      reason = 'its ownership proof is not valid';
    }
    if (reason === undefined) return true;
    this.refuse({ keyId: key.id, action, reason });
    return false;
  }

  /** The keys among `keys` the function can prove it made; the others are reported. */
  async ownedOnly<K extends ManagedKey>(keys: readonly K[], action: string): Promise<K[]> {
    const owned: K[] = [];
    for (const key of keys) {
      if (await this.ownsKey(key, action)) owned.push(key);
    }
    return owned;
  }

  /** Ends an invocation: returns its refusals (for its metrics). */
  endInvocation(): Refusal[] {
    return this.refusals.splice(0);
  }

  /** Reports a refusal, once per key and invocation (several checks may refuse one key). */
  private refuse(refusal: Refusal): void {
    if (this.refusals.some((earlier) => earlier.keyId === refusal.keyId)) return;
    this.refusals.push(refusal);
    log.warn('refused to act on a key the function cannot prove it made; left alone', {
      ...refusal,
    });
  }

  private async mac(message: Uint8Array): Promise<Uint8Array> {
    const out = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.macKeyId,
        MacAlgorithm: PROOF_MAC_ALGORITHM,
        Message: message,
      })
    );
    if (out.Mac === undefined) throw new Error('KMS GenerateMac returned no MAC');
    return out.Mac;
  }

  /** A MAC the function made and publishes: remembered as valid, so its checks cost nothing. */
  private async generate(message: Uint8Array): Promise<string> {
    const proof = Buffer.from(await this.mac(message)).toString('base64');
    this.remember(message, proof, true);
    return proof;
  }

  private async verify(message: Uint8Array, proof: string): Promise<boolean> {
    const known = this.memo.get(memoKey(message, proof));
    if (known !== undefined) return known;
    const mac = Buffer.from(proof, 'base64');
    let valid: boolean;
    if (mac.length === 0 || mac.toString('base64') !== proof) {
      valid = false;
    } else {
      try {
        const out = await this.kms.send(
          new VerifyMacCommand({
            KeyId: this.macKeyId,
            MacAlgorithm: PROOF_MAC_ALGORITHM,
            Message: message,
            Mac: mac,
          })
        );
        valid = out.MacValid === true;
      } catch (error) {
        if (!isAwsError(error, 'KMSInvalidMacException')) throw error;
        valid = false;
      }
    }
    this.remember(message, proof, valid);
    return valid;
  }

  private remember(message: Uint8Array, proof: string, valid: boolean): void {
    if (this.memo.size >= MEMO_LIMIT) {
      const [oldest] = this.memo.keys();
      this.memo.delete(oldest);
    }
    this.memo.set(memoKey(message, proof), valid);
  }
}

function memoKey(message: Uint8Array, proof: string): string {
  return `${Buffer.from(message).toString('base64')}\n${proof}`;
}
