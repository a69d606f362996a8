/**
 * AWS's published request-rate quotas for the calls the rotation Lambda makes, and the least
 * time a given mix of calls needs under them: on AWS these, not the function, bound rotation
 * and sweep throughput. Burst allowances are left out (they shorten a short run by seconds).
 */
import type { CallCounts } from '../scripts/local-aws/aws-proxy';

export interface RateLimit {
  /** What the quota covers, as the page names it. */
  readonly name: string;
  /** Actions (as counted: "apigateway.CreateApiKey", "secretsmanager.PutSecretValue") it covers. */
  readonly covers: (action: string) => boolean;
  readonly perSecond: number;
  /** Where AWS publishes it. */
  readonly source: string;
}

const API_GATEWAY_PAGE =
  'Amazon API Gateway Developer Guide, "Amazon API Gateway quotas", table "API Gateway quotas for creating, deploying and managing an API" (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html)';
const SECRETS_MANAGER_PAGE =
  'AWS Secrets Manager User Guide, "AWS Secrets Manager quotas" (docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html)';

const isApiGateway = (action: string) => action.startsWith('apigateway.');
const oneOf =
  (...actions: string[]) =>
  (action: string) =>
    actions.includes(action);

export const RATE_LIMITS: readonly RateLimit[] = [
  {
    name: 'API Gateway total operations (account, Region; burst 40)',
    covers: isApiGateway,
    perSecond: 10,
    source: API_GATEWAY_PAGE,
  },
  {
    name: 'API Gateway CreateApiKey',
    covers: oneOf('apigateway.CreateApiKey'),
    perSecond: 5,
    source: API_GATEWAY_PAGE,
  },
  {
    name: 'API Gateway DeleteApiKey',
    covers: oneOf('apigateway.DeleteApiKey'),
    perSecond: 5,
    source: API_GATEWAY_PAGE,
  },
  {
    name: 'Secrets Manager PutSecretValue, UpdateSecret, UpdateSecretVersionStage (and replication calls), combined',
    covers: oneOf(
      'secretsmanager.PutSecretValue',
      'secretsmanager.UpdateSecret',
      'secretsmanager.UpdateSecretVersionStage'
    ),
    perSecond: 50,
    source: SECRETS_MANAGER_PAGE,
  },
  {
    name: 'Secrets Manager TagResource and UntagResource, combined',
    covers: oneOf('secretsmanager.TagResource', 'secretsmanager.UntagResource'),
    perSecond: 50,
    source: SECRETS_MANAGER_PAGE,
  },
  {
    name: 'Secrets Manager DescribeSecret and GetSecretValue, combined',
    covers: oneOf('secretsmanager.DescribeSecret', 'secretsmanager.GetSecretValue'),
    perSecond: 10_000,
    source: SECRETS_MANAGER_PAGE,
  },
];

export interface LimitTime {
  readonly limit: string;
  readonly calls: number;
  readonly perSecond: number;
  readonly seconds: number;
}

/**
 * Seconds each quota needs for `counts`, longest first. The first is the least wall time the
 * work can take on AWS however it is spread; quotas apply per account and Region, shared with
 * everything else there. Actions no quota here covers are returned in `uncovered`.
 */
export function timeAtLimits(counts: CallCounts): { times: LimitTime[]; uncovered: string[] } {
  const times = RATE_LIMITS.map((limit) => {
    const calls = Object.entries(counts)
      .filter(([action]) => limit.covers(action))
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      limit: limit.name,
      calls,
      perSecond: limit.perSecond,
      seconds: calls / limit.perSecond,
    };
  })
    .filter((t) => t.calls > 0)
    .sort((a, b) => b.seconds - a.seconds);
  const uncovered = Object.keys(counts).filter(
    (action) => !RATE_LIMITS.some((limit) => limit.covers(action))
  );
  return { times, uncovered };
}
