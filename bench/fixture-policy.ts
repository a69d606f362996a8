/**
 * The deployer's policy document of the fixture's consumers (contract/deployer-policy.ts): what
 * RotationService ships inside the function's code, written here to a file the function is
 * pointed at with KEYPLANE_POLICY_FILE, since the fixture makes consumers after the function.
 * Each consumer made is added at once; a function reads the file when its container starts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DEFAULT_BLAST_RADIUS,
  isPolicyTagProblem,
  literalPolicyDocument,
  readConsumerPolicyTags,
  type ConsumerPolicy,
} from '../contract';

/** This process's document. */
export const FIXTURE_POLICY_FILE = path.join(
  os.tmpdir(),
  `keyplane-fixture-policy-${process.pid}-${Date.now()}.json`
);

const declared = new Map<string, ConsumerPolicy>();

/**
 * The fixture rotates each consumer back to back (rotation-cost.ts: several RotateSecrets per
 * consumer within minutes), so its consumers have no rotate cool-down, as the e2e tier's shipped
 * consumers; the caps and the budget stay at their defaults and are paid for in the figures.
 */
const FIXTURE_BLAST_RADIUS = { ...DEFAULT_BLAST_RADIUS, rotateCoolDownSeconds: 0 };

/** Declares the consumer whose secret `secretName` carries these policy tags, as synth would. */
export function declareFixtureConsumer(
  service: string,
  secretName: string,
  tags: Readonly<Record<string, string>>
): void {
  const policy = readConsumerPolicyTags(tags);
  if (isPolicyTagProblem(policy)) throw new Error(`${secretName}: ${policy.tag} ${policy.rule}`);
  declared.set(secretName, { ...policy, blastRadius: FIXTURE_BLAST_RADIUS });
  writeDocument(service);
}

/** Gives a declared consumer further regions (README, "Multi-region keys"). */
export function declareFixtureRegions(
  service: string,
  secretName: string,
  regions: ConsumerPolicy['regions']
): void {
  const policy = declared.get(secretName);
  if (policy === undefined) throw new Error(`${secretName} is not declared`);
  declared.set(secretName, { ...policy, regions });
  writeDocument(service);
}

function writeDocument(service: string): void {
  const partial = `${FIXTURE_POLICY_FILE}.partial`;
  fs.writeFileSync(partial, JSON.stringify(literalPolicyDocument(service, declared)));
  fs.renameSync(partial, FIXTURE_POLICY_FILE);
}
