/**
 * The deployer's policy, read once per container from the deployment package: the document
 * beside the code and the values in KEYPLANE_POLICY_VALUES (contract/deployer-policy.ts). A
 * local file and an environment variable: no AWS call. A missing or broken document stops the
 * first invocation with a ConfigurationError naming what is wrong.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  isPolicyDocumentProblem,
  LambdaEnv,
  POLICY_DOCUMENT_FILE,
  readDeployerPolicies,
  type DeployerPolicies,
} from '../../contract';
import { invalidPolicyDocument, invalidVariable, policyDocumentUnreadable } from './errors';

export type { DeployerPolicies } from '../../contract';

/**
 * Reads and checks the document and its values for `service`, whose function runs in `region`
 * (no consumer may declare it as a further region).
 */
export function loadDeployerPolicies(
  source: Readonly<Record<string, string | undefined>>,
  service: string,
  region?: string
): DeployerPolicies {
  const file = source[LambdaEnv.POLICY_FILE] || path.join(__dirname, POLICY_DOCUMENT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw policyDocumentUnreadable(file, (error as NodeJS.ErrnoException).code ?? 'error');
  }
  const policies = readDeployerPolicies(
    text,
    source[LambdaEnv.POLICY_VALUES] ?? '[]',
    service,
    region
  );
  if (!isPolicyDocumentProblem(policies)) return policies;
  if (policies.field === 'values')
    throw invalidVariable(LambdaEnv.POLICY_VALUES, 'a JSON array of strings');
  throw invalidPolicyDocument(file, policies.field, policies.rule);
}
