/**
 * A key's blast-radius settings (live- and retained-key caps, rotate and revoke cool-downs),
 * checked against the contract's rules (contract/blast-radius.ts) with their defaults applied.
 * They travel in the deployer's policy document, never in a tag.
 */
import { Token } from 'cdktf';
import {
  BLAST_RADIUS_RULES,
  blastRadiusProblem,
  DEFAULT_BLAST_RADIUS,
  type BlastRadiusPolicy,
} from '../contract/blast-radius';
import { invalidValue } from './errors';
import type { ManagedApiKeyProps } from './managed-api-key';

/** The prop that sets each limit, for messages. */
const PROP: Readonly<Record<keyof BlastRadiusPolicy, string>> = {
  maxLiveKeys: 'maxLiveKeys',
  maxRetainedKeys: 'maxRetainedKeys',
  rotateCoolDownSeconds: 'rotateCoolDown',
  revokeCoolDownSeconds: 'revokeCoolDown',
};

export function resolveBlastRadius(path: string, props: ManagedApiKeyProps): BlastRadiusPolicy {
  const limits: BlastRadiusPolicy = {
    maxLiveKeys: props.maxLiveKeys ?? DEFAULT_BLAST_RADIUS.maxLiveKeys,
    maxRetainedKeys: props.maxRetainedKeys ?? DEFAULT_BLAST_RADIUS.maxRetainedKeys,
    rotateCoolDownSeconds:
      props.rotateCoolDown?.toSeconds() ?? DEFAULT_BLAST_RADIUS.rotateCoolDownSeconds,
    revokeCoolDownSeconds:
      props.revokeCoolDown?.toSeconds() ?? DEFAULT_BLAST_RADIUS.revokeCoolDownSeconds,
  };
  for (const field of Object.keys(PROP) as (keyof BlastRadiusPolicy)[]) {
    if (Token.isUnresolved(limits[field])) {
      throw invalidValue(path, PROP[field], limits[field], 'be known at synth (not a token)');
    }
  }
  const problem = blastRadiusProblem(limits);
  if (problem !== undefined) {
    const value =
      problem.field === 'rotateCoolDownSeconds' || problem.field === 'revokeCoolDownSeconds'
        ? `${limits[problem.field]}s`
        : limits[problem.field];
    throw invalidValue(path, PROP[problem.field], value, BLAST_RADIUS_RULES[problem.field]);
  }
  return limits;
}
