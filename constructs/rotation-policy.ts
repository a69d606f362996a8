/**
 * The rotation Lambda's IAM policy. Every statement is scoped to what the function calls, and
 * the policy names resources by pattern (secret-name prefix, API Gateway paths), never by
 * listing consumers: its size is the same for 1 or 1,000 consumers, far under the 10,240
 * characters an inline role policy may hold.
 *
 * Every mutating API Gateway grant is conditioned on the service's own tag: a key may be created
 * only with `keyplane:service=<service>` in the request, updated or deleted only when it carries
 * that tag, and added to or removed from a usage plan only when the plan carries it (a usage
 * plan key inherits its plan's tags for attribute-based access control). Tagging has no
 * resource-tag condition in AWS (the Tags resource lists no condition key), so it is limited to
 * the tag keys the function writes after creation, which excludes the service tag.
 */
import { KeyTag, PlanTag, PROOF_MAC_ALGORITHM } from '../contract/tags';

/** The ARNs and names the policy is scoped to; each may be a token. */
export interface RotationPolicyScope {
  readonly partition: string;
  readonly region: string;
  /**
   * Further regions the service's keys live in (README, "Multi-region keys"): its API Gateway
   * grants cover them with the same tag conditions.
   * @default - none
   */
  readonly keyRegions?: readonly string[];
  /** The service's name: the value of the keyplane:service tag on its keys and usage plans. */
  readonly serviceName: string;
  readonly account: string;
  /** Every secret this service manages has a name starting with this prefix. */
  readonly secretPrefix: string;
  readonly kmsKeyArn: string;
  /** The HMAC key whose MACs prove which API keys the function made. */
  readonly ownershipKeyArn: string;
  readonly logGroupArn: string;
  readonly deadLetterQueueArn: string;
}

/** An IAM policy statement. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/** The rotation Lambda's policy document for the given scope. */
export function rotationPolicy(scope: RotationPolicyScope): PolicyDocument {
  const regions = [scope.region, ...(scope.keyRegions ?? [])];
  const apigw = (...paths: string[]) =>
    regions.flatMap((region) =>
      paths.map((path) => `arn:${scope.partition}:apigateway:${region}::${path}`)
    );
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RotateThisServicesSecrets',
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: [
          `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${scope.secretPrefix}*`,
        ],
      },
      {
        // ListSecrets has no resource-level permissions; it returns names and tags, never
        // values. The sweep and teardown use it (with a tag filter) to find this service's
        // secrets in pages of 100 instead of one DescribeSecret per key.
        Sid: 'FindThisServicesSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:ListSecrets'],
        Resource: ['*'],
      },
      {
        Sid: 'EncryptSecretValues',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [scope.kmsKeyArn],
      },
      {
        Sid: 'ProveKeyOwnership',
        Effect: 'Allow',
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: [scope.ownershipKeyArn],
        Condition: { StringEquals: { 'kms:MacAlgorithm': PROOF_MAC_ALGORITHM } },
      },
      {
        Sid: 'ReadApiKeysPlansAndMembership',
        Effect: 'Allow',
        Action: ['apigateway:GET'],
        Resource: apigw('/apikeys', '/apikeys/*', '/usageplans', '/usageplans/*/keys'),
      },
      {
        Sid: 'CreateApiKeysTaggedForThisService',
        Effect: 'Allow',
        Action: ['apigateway:POST'],
        Resource: apigw('/apikeys'),
        Condition: { StringEquals: { [`aws:RequestTag/${KeyTag.SERVICE}`]: scope.serviceName } },
      },
      {
        Sid: 'UpdateAndDeleteThisServicesApiKeys',
        Effect: 'Allow',
        Action: ['apigateway:PATCH', 'apigateway:DELETE'],
        Resource: apigw('/apikeys/*'),
        Condition: { StringEquals: { [`aws:ResourceTag/${KeyTag.SERVICE}`]: scope.serviceName } },
      },
      {
        // A usage plan key inherits its plan's tags for attribute-based access control.
        Sid: 'JoinThisServicesUsagePlans',
        Effect: 'Allow',
        Action: ['apigateway:POST'],
        Resource: apigw('/usageplans/*/keys'),
        Condition: { StringEquals: { [`aws:ResourceTag/${PlanTag.SERVICE}`]: scope.serviceName } },
      },
      {
        Sid: 'LeaveThisServicesUsagePlans',
        Effect: 'Allow',
        Action: ['apigateway:DELETE'],
        Resource: apigw('/usageplans/*/keys/*'),
        Condition: { StringEquals: { [`aws:ResourceTag/${PlanTag.SERVICE}`]: scope.serviceName } },
      },
      {
        // The Tags resource has no aws:ResourceTag condition key: only the tags the function
        // writes after creating a key may be set, never keyplane:service or the origin tags.
        Sid: 'TagApiKeysWithLifecycleTags',
        Effect: 'Allow',
        Action: ['apigateway:PUT'],
        Resource: apigw('/tags/*'),
        Condition: {
          'ForAllValues:StringEquals': {
            'aws:TagKeys': [KeyTag.PROOF, KeyTag.RETIRE_AFTER, KeyTag.DELETE_AFTER],
          },
          Null: { 'aws:TagKeys': 'false' },
        },
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`${scope.logGroupArn}:*`],
      },
      {
        Sid: 'DeadLetterFailedInvocations',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [scope.deadLetterQueueArn],
      },
      {
        // Active tracing: Lambda sends the invocation's segments with the function's role.
        // X-Ray's write actions have no resource-level permissions.
        Sid: 'SendTraces',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: ['*'],
      },
    ],
  };
}
