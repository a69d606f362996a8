/**
 * One cold start of the rotation Lambda, alone in a fresh process:
 *
 *   node cold-init-child.js <bundle/index.js> <result.json>
 *
 * Times require() of the bundle, then the first invocation with an event the handler rejects
 * before any AWS call: it reads the environment, creates the SDK clients and parses the event,
 * which is the set-up every cold invocation pays before its first request.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';

export interface ColdInitResult {
  /** From process start to the child's first line (Node start-up). */
  readonly nodeStartMs: number;
  /** require() of the bundle. */
  readonly requireMs: number;
  /** The first (rejected) invocation: env, clients, event parsing. */
  readonly firstInvocationMs: number;
  /** process.resourceUsage().maxRSS, in KiB. */
  readonly maxRssKiB: number;
}

/** What the Lambda runtime and the RotationService set; no request leaves the process. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  KEYPLANE_SERVICE: 'bench',
  KEYPLANE_SECRET_PREFIX: 'keyplane/bench/',
  KEYPLANE_OWNERSHIP_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab',
  KEYPLANE_DELETE_AFTER_SECONDS: '604800',
};

type Handler = (event: unknown) => Promise<unknown>;

async function main([bundle, resultFile]: string[]): Promise<void> {
  if (!bundle || !resultFile) throw new Error('usage: cold-init-child <index.js> <result.json>');
  Object.assign(process.env, LAMBDA_ENV);
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(bundle) as { handler: Handler };
  const loaded = performance.now();
  await handler({ action: 'bench-cold-init' }).catch(() => undefined);
  const invoked = performance.now();
  const result: ColdInitResult = {
    nodeStartMs: started,
    requireMs: loaded - started,
    firstInvocationMs: invoked - loaded,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  fs.writeFileSync(resultFile, JSON.stringify(result));
  // A client may hold a socket or timer open; the measurement is done.
  process.exit(0);
}

void main(process.argv.slice(2));
