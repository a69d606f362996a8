/**
 * jest globalSetup: one local AWS for the whole run. Wire it up in jest.config.js with
 *   globalSetup: '<rootDir>/test/local-aws/global-setup.ts',
 *   globalTeardown: '<rootDir>/test/local-aws/global-teardown.ts',
 * Workers start after globalSetup, so they inherit the environment set here
 * (KEYPLANE_AWS_ENDPOINT, AWS_ENDPOINT_URL, dummy credentials, AWS_REGION).
 */
import { LocalAws, localAwsEnv, startLocalAws } from '../../scripts/local-aws';

export const GLOBAL_KEY = '__KEYPLANE_LOCAL_AWS__';

export default async function globalSetup(): Promise<void> {
  const aws = await startLocalAws();
  (globalThis as Record<string, unknown>)[GLOBAL_KEY] = aws satisfies LocalAws;
  Object.assign(process.env, localAwsEnv(aws.endpoint, aws.region));
}
