import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { Construct } from 'constructs';
import { suppressScannerCheck } from '../constructs/scanner-suppression';

/**
 * Checks the demo stage is exempt from, and why: it is a MOCK API for trying keys, with no
 * backend, no data and no traffic but the operator's own.
 */
const DEMO_STAGE_EXEMPTIONS: [string, string][] = [
  [
    'CKV_AWS_76',
    'No access logging: a MOCK demo API; stage logs need the account-wide API Gateway CloudWatch role, which an example app must not change.',
  ],
  [
    'CKV2_AWS_4',
    "No execution logging level: same reason as CKV_AWS_76, the account-wide CloudWatch role is not the example app's to set.",
  ],
  [
    'CKV_AWS_120',
    'No cache: MOCK answers cost nothing to compute, and a cache cluster is billed by the hour.',
  ],
  [
    'CKV2_AWS_29',
    'No WAF: the demo API has no backend to protect; API keys, usage-plan quotas and throttles limit every caller.',
  ],
  [
    'CKV2_AWS_51',
    'No client certificate: it authenticates API Gateway to an HTTP backend, and the MOCK integration has none.',
  ],
];

/** Properties of a {@link DemoApi}. */
export interface DemoApiProps {
  /** Name of the REST API. */
  readonly name: string;
  /** Name of its one stage. */
  readonly stageName: string;
}

/**
 * A small REST API to try keys against: GET and POST /pets answer from a MOCK integration,
 * and both require an API key.
 */
export class DemoApi extends Construct {
  readonly restApi: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;

  constructor(scope: Construct, id: string, props: DemoApiProps) {
    super(scope, id);
    this.restApi = new ApiGatewayRestApi(this, 'RestApi', {
      name: props.name,
      description: 'keyplane demo API: MOCK answers behind API keys',
      endpointConfiguration: { types: ['REGIONAL'] },
      lifecycle: { createBeforeDestroy: true },
    });
    const pets = new ApiGatewayResource(this, 'Pets', {
      restApiId: this.restApi.id,
      parentId: this.restApi.rootResourceId,
      pathPart: 'pets',
    });
    const integrations = ['GET', 'POST'].map((httpMethod) => {
      const method = new ApiGatewayMethod(this, `${httpMethod}Method`, {
        restApiId: this.restApi.id,
        resourceId: pets.id,
        httpMethod,
        authorization: 'NONE',
        apiKeyRequired: true,
      });
      suppressScannerCheck(
        method,
        'CKV2_AWS_53',
        `No request validator: ${httpMethod} /pets takes no parameters or body to validate; the MOCK integration answers a fixed document.`
      );
      const integration = new ApiGatewayIntegration(this, `${httpMethod}Integration`, {
        restApiId: this.restApi.id,
        resourceId: pets.id,
        httpMethod: method.httpMethod,
        type: 'MOCK',
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
      });
      const response = new ApiGatewayMethodResponse(this, `${httpMethod}Response`, {
        restApiId: this.restApi.id,
        resourceId: pets.id,
        httpMethod: method.httpMethod,
        statusCode: '200',
      });
      new ApiGatewayIntegrationResponse(this, `${httpMethod}IntegrationResponse`, {
        restApiId: this.restApi.id,
        resourceId: pets.id,
        httpMethod: method.httpMethod,
        statusCode: response.statusCode,
        responseTemplates: { 'application/json': '{"pets": []}' },
        dependsOn: [integration],
      });
      return integration;
    });
    const deployment = new ApiGatewayDeployment(this, 'Deployment', {
      restApiId: this.restApi.id,
      triggers: { redeployment: integrations.map((i) => i.id).join(',') },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: integrations,
    });
    this.stage = new ApiGatewayStage(this, 'Stage', {
      restApiId: this.restApi.id,
      deploymentId: deployment.id,
      stageName: props.stageName,
      xrayTracingEnabled: true,
    });
    for (const [id, reason] of DEMO_STAGE_EXEMPTIONS) suppressScannerCheck(this.stage, id, reason);
  }
}
