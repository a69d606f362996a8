/**
 * Ownership that a tag cannot forge. When the function creates a key it computes a MAC over
 * (service, secret ARN, secret version id, key id) with the service's KMS HMAC key, whose key
 * policy lets only the function's role call GenerateMac and VerifyMac, and writes it on the key
 * (tag keyplane:proof) and into the secret version that hands the key out. Before it changes a
 * key in any way it verifies that MAC with KMS; a key that fails is reported and left alone.
 * Anyone may copy tags, but no one else can compute a MAC for another key id, secret or version
 * (docs/trust.md).
 *
 * Verifications are remembered until the invocation ends, so a sweep pays one VerifyMac per
 * key it acts on, and the steps of an in-process rotation verify a key once.
 */
import { GenerateMacCommand, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { PROOF_MAC_ALGORITHM } from '../../contract';
import { isAwsError } from './aws-errors';
import { createLogger } from './log';
import { proofSubjectOf, type KeyOrigin, type ManagedKey } from './managed-key';

const log = createLogger('ownership');

/** Version of the MAC's message layout, part of the message. */
const MESSAGE_VERSION = 'keyplane-key-ownership/v1';

/** What a proof binds: the key id and where it was made. */
export interface ProofSubject extends KeyOrigin {
  readonly keyId: string;
}

/** The bytes the MAC covers: fixed fields, newline-separated (no field holds a newline). */
export function proofMessage(subject: ProofSubject): Uint8Array {
  return new TextEncoder().encode(
    [MESSAGE_VERSION, subject.service, subject.secretArn, subject.versionId, subject.keyId].join(
      '\n'
    )
  );
}

/** Why a key or a version was not accepted as the function's own. */
export interface Refusal {
  readonly keyId: string;
  readonly reason: string;
  /** What the function was about to do. */
  readonly action: string;
}

export class KeyOwnership {
  private readonly verified = new Map<string, boolean>();
  private readonly refusals: Refusal[] = [];

  constructor(
    private readonly kms: KMSClient,
    private readonly macKeyId: string,
    private readonly service: string
  ) {}

  /** The proof for a key the function just made. */
  async prove(subject: ProofSubject): Promise<string> {
    const out = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.macKeyId,
        MacAlgorithm: PROOF_MAC_ALGORITHM,
        Message: proofMessage(subject),
      })
    );
    if (out.Mac === undefined) throw new Error('KMS GenerateMac returned no MAC');
    return Buffer.from(out.Mac).toString('base64');
  }

  /**
   * True when `proof` is the function's MAC for the subject. False (and reported) when the
   * proof is missing or wrong; KMS errors other than an invalid MAC are thrown.
   */
  async holds(subject: ProofSubject, proof: string | undefined, action: string): Promise<boolean> {
    let reason: string | undefined;
    if (subject.service !== this.service) reason = `it belongs to service ${subject.service}`;
    else if (proof === undefined) reason = 'it carries no ownership proof';
    else if (!(await this.verify(subject, proof))) reason = 'its ownership proof is not valid';
    if (reason === undefined) return true;
    this.refuse({ keyId: subject.keyId, action, reason });
    return false;
  }

  /** True when a listed key's tags carry a valid proof; reported and false otherwise. */
  async ownsKey(key: ManagedKey, action: string): Promise<boolean> {
    const subject = proofSubjectOf(key);
    if (subject === undefined) {
      this.refuse({ keyId: key.id, action, reason: 'it has no origin tags' });
      return false;
    }
    return this.holds(subject, key.proof, action);
  }

  /** The keys among `keys` the function can prove it made; the others are reported. */
  async ownedOnly<K extends ManagedKey>(keys: readonly K[], action: string): Promise<K[]> {
    const owned: K[] = [];
    for (const key of keys) {
      if (await this.ownsKey(key, action)) owned.push(key);
    }
    return owned;
  }

  /** Ends an invocation: returns its refusals (for its metrics) and forgets its verifications. */
  endInvocation(): Refusal[] {
    this.verified.clear();
    return this.refusals.splice(0);
  }

  private refuse(refusal: Refusal): void {
    this.refusals.push(refusal);
    log.warn('refused to act on a key the function cannot prove it made; left alone', {
      ...refusal,
    });
  }

  private async verify(subject: ProofSubject, proof: string): Promise<boolean> {
    const memo = `${Buffer.from(proofMessage(subject)).toString('base64')}\n${proof}`;
    const known = this.verified.get(memo);
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
            Message: proofMessage(subject),
            Mac: mac,
          })
        );
        valid = out.MacValid === true;
      } catch (error) {
        if (!isAwsError(error, 'KMSInvalidMacException')) throw error;
        valid = false;
      }
    }
    this.verified.set(memo, valid);
    return valid;
  }
}
