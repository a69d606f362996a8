/**
 * An API key as this function sees it: its id, state and the keyplane tags that trace it to
 * the secret version that made it (contract/tags.ts KeyTag).
 */
import type { ApiKey } from '@aws-sdk/client-api-gateway';
import { KeyTag } from '../../contract';
import type { ProofSubject } from './ownership';

export interface ManagedKey {
  readonly id: string;
  readonly name?: string;
  readonly enabled: boolean;
  readonly createdDate?: Date;
  /** Value of keyplane:service, when present. */
  readonly service?: string;
  readonly secretArn?: string;
  readonly secretVersion?: string;
  readonly retireAfter?: Date;
  readonly deleteAfter?: Date;
  /** When the key was adopted (keyplane:adopted-at), for a key keyplane did not create. */
  readonly adoptedAt?: Date;
  /** Value of keyplane:proof, when present (ownership.ts). */
  readonly proof?: string;
  /** Value of keyplane:usage-mark, when present (traffic-decision.ts). */
  readonly usageMark?: string;
  readonly lastTraffic?: Date;
  readonly heldSince?: Date;
  /** The key value; only present when it was asked for. Never log it. */
  readonly value?: string;
}

/** Which secret version a key was made for. */
export interface KeyOrigin {
  readonly service: string;
  readonly secretArn: string;
  readonly versionId: string;
}

/** The name of the key made for a secret version: "<consumer>-<first 8 of the version id>". */
/** The keys, newest first by creation date (an undated key last). */
export function newestFirst<K extends ManagedKey>(keys: readonly K[]): K[] {
  return [...keys].sort(
    (a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0)
  );
}

export function keyName(consumer: string, versionId: string): string {
  return `${consumer}-${versionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`;
}

/** Tags written on a key when it is created. */
export function originTags(origin: KeyOrigin): Record<string, string> {
  return {
    [KeyTag.SERVICE]: origin.service,
    [KeyTag.SECRET_ARN]: origin.secretArn,
    [KeyTag.SECRET_VERSION]: origin.versionId,
  };
}

/** True when the key carries exactly this origin. */
export function isMadeFor(key: ManagedKey, origin: KeyOrigin): boolean {
  return (
    key.service === origin.service &&
    key.secretArn === origin.secretArn &&
    key.secretVersion === origin.versionId
  );
}

/** What a key's proof must bind, from its tags; undefined when an origin tag is missing. */
export function proofSubjectOf(key: ManagedKey): ProofSubject | undefined {
  if (key.service === undefined || key.secretArn === undefined || key.secretVersion === undefined) {
    return undefined;
  }
  return {
    service: key.service,
    secretArn: key.secretArn,
    versionId: key.secretVersion,
    keyId: key.id,
  };
}

/** The ARN TagResource takes for an API key. */
export function apiKeyArn(region: string, keyId: string): string {
  return `arn:${partitionOf(region)}:apigateway:${region}::/apikeys/${keyId}`;
}

/** An ISO-8601 instant as written in the retire-after and delete-after tags. */
export function instantTag(date: Date): string {
  return date.toISOString();
}

export function toManagedKey(item: ApiKey): ManagedKey {
  const tags = item.tags ?? {};
  return {
    id: item.id ?? '',
    name: item.name,
    enabled: item.enabled === true,
    createdDate: item.createdDate,
    service: tags[KeyTag.SERVICE],
    secretArn: tags[KeyTag.SECRET_ARN],
    secretVersion: tags[KeyTag.SECRET_VERSION],
    retireAfter: parseInstant(tags[KeyTag.RETIRE_AFTER]),
    deleteAfter: parseInstant(tags[KeyTag.DELETE_AFTER]),
    proof: tags[KeyTag.PROOF],
    usageMark: tags[KeyTag.USAGE_MARK],
    lastTraffic: parseInstant(tags[KeyTag.LAST_TRAFFIC]),
    heldSince: parseInstant(tags[KeyTag.HELD_SINCE]),
    ...(tags[KeyTag.ADOPTED_AT] === undefined
      ? {}
      : { adoptedAt: parseInstant(tags[KeyTag.ADOPTED_AT]) }),
    ...(item.value === undefined ? {} : { value: item.value }),
  };
}

function parseInstant(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
