/**
 * The naive design, written directly with @cdktf/provider-aws: per consumer an API key, its
 * usage-plan membership, a secret, a secret version holding the key (so the key value sits in
 * Terraform state) and the secret's rotation; plus the same 10 plans and one rotation Lambda
 * (role, function, invoke permission) running the same bundle as keyplane's.
 */
import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { App, AssetType, Fn, TerraformAsset } from 'cdktf';
import { lambdaBundleDir } from '../../constructs/lambda-bundle';
import { OfflineStack, STACK_NAME } from './offline-provider';
import { benchPlans, consumerName, PLAN_COUNT } from './plans';

export function baselineApp(app: App, consumers: number): OfflineStack {
  const stack = new OfflineStack(app, STACK_NAME);
  const plans = benchPlans().map(
    (plan) =>
      new ApiGatewayUsagePlan(stack, plan.name, {
        name: plan.name,
        quotaSettings: { ...plan.quota, offset: 0 },
        throttleSettings: plan.throttle,
      })
  );

  const role = new IamRole(stack, 'RotationRole', {
    name: 'baseline-rotation',
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
  });
  const bundle = new TerraformAsset(stack, 'RotationBundle', {
    path: lambdaBundleDir('rotation'),
    type: AssetType.ARCHIVE,
  });
  const fn = new LambdaFunction(stack, 'RotationFunction', {
    functionName: 'baseline-rotation',
    role: role.arn,
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    filename: bundle.path,
    sourceCodeHash: Fn.filebase64sha256(bundle.path),
    timeout: 300,
  });
  const permission = new LambdaPermission(stack, 'SecretsManagerInvoke', {
    action: 'lambda:InvokeFunction',
    functionName: fn.functionName,
    principal: 'secretsmanager.amazonaws.com',
  });

  for (let i = 0; i < consumers; i++) {
    const name = consumerName(i);
    const key = new ApiGatewayApiKey(stack, `${name}-key`, { name, enabled: true });
    new ApiGatewayUsagePlanKey(stack, `${name}-plan-key`, {
      keyId: key.id,
      keyType: 'API_KEY',
      usagePlanId: plans[i % PLAN_COUNT].id,
    });
    const secret = new SecretsmanagerSecret(stack, `${name}-secret`, {
      name: `baseline/${name}`,
      recoveryWindowInDays: 0,
    });
    const version = new SecretsmanagerSecretVersion(stack, `${name}-secret-version`, {
      secretId: secret.id,
      secretString: Fn.jsonencode({ keyId: key.id, value: key.value }),
    });
    new SecretsmanagerSecretRotation(stack, `${name}-rotation`, {
      secretId: secret.id,
      rotationLambdaArn: fn.arn,
      rotationRules: { automaticallyAfterDays: 30 },
      dependsOn: [version, permission],
    });
  }
  return stack;
}
