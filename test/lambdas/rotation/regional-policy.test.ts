/**
 * Further regions in the deployer's policy document (contract/regional-policy.ts): read only
 * from format v2, their plan ids looked up like the others, and refused with the field named
 * when a region is unknown, the function's own, repeated or without plans.
 */
import {
  POLICY_DOCUMENT_FORMAT,
  POLICY_DOCUMENT_FORMAT_REGIONS,
  readDeployerPolicies,
  literalPolicyDocument,
} from '../../../contract';
import { CHECKOUT_POLICY, PREFIX, SERVICE } from './support/fixtures';

const entry = {
  secretName: `${PREFIX}checkout`,
  consumer: 'checkout',
  usagePlanIds: [{ value: 0 }, 'planbulk'],
  gracePeriodSeconds: 3600,
  keyPrefix: 'ordK',
};

function read(regions: unknown, format: string = POLICY_DOCUMENT_FORMAT_REGIONS) {
  const doc = { format, service: SERVICE, consumers: [{ ...entry, regions }] };
  return readDeployerPolicies(
    JSON.stringify(doc),
    JSON.stringify(['plangold', 'planeu']),
    SERVICE,
    'us-east-1'
  );
}

describe('further regions in the policy document', () => {
  test('reads each region with its plans, ids looked up by index, and its quotas', () => {
    const policies = read([
      {
        region: 'eu-west-1',
        usagePlanIds: [{ value: 1 }, 'planeu2', 'planeu2'],
        planQuotas: [{ planId: { value: 1 }, limit: 100, period: 'DAY', offset: 0 }],
      },
    ]);
    expect(policies).toEqual(
      new Map([
        [
          `${PREFIX}checkout`,
          {
            ...CHECKOUT_POLICY,
            regions: [
              {
                region: 'eu-west-1',
                usagePlanIds: ['planeu', 'planeu2'],
                planQuotas: [{ planId: 'planeu', limit: 100, period: 'DAY', offset: 0 }],
              },
            ],
          },
        ],
      ])
    );
  });

  test('a literal document of a multi-region policy is v2 and reads back the same', () => {
    const policy = {
      ...CHECKOUT_POLICY,
      regions: [{ region: 'eu-west-1', usagePlanIds: ['planeu'] }],
    };
    const doc = literalPolicyDocument(SERVICE, [[`${PREFIX}checkout`, policy]]);
    expect(doc.format).toBe(POLICY_DOCUMENT_FORMAT_REGIONS);
    expect(readDeployerPolicies(JSON.stringify(doc), '[]', SERVICE)).toEqual(
      new Map([[`${PREFIX}checkout`, policy]])
    );
  });

  test.each([
    [
      'regions in a v1 document',
      [{ region: 'eu-west-1', usagePlanIds: ['p1'] }],
      POLICY_DOCUMENT_FORMAT,
      'consumers[0].regions',
      /needs format keyplane-policy\/v2/,
    ],
    [
      'regions that are not an array',
      { region: 'eu-west-1' },
      undefined,
      'consumers[0].regions',
      /must be an array/,
    ],
    [
      'a region that is not an object',
      ['eu-west-1'],
      undefined,
      'consumers[0].regions[0]',
      /must be an object/,
    ],
    [
      'an unknown region',
      [{ region: 'mars-1', usagePlanIds: ['p1'] }],
      undefined,
      'consumers[0].regions[0].region',
      /must be an AWS region such as "eu-west-1"/,
    ],
    [
      "the function's own region",
      [{ region: 'us-east-1', usagePlanIds: ['p1'] }],
      undefined,
      'consumers[0].regions[0].region',
      /must not be us-east-1, the function's own region/,
    ],
    [
      'a repeated region',
      [
        { region: 'eu-west-1', usagePlanIds: ['p1'] },
        { region: 'eu-west-1', usagePlanIds: ['p2'] },
      ],
      undefined,
      'consumers[0].regions[1].region',
      /must not repeat eu-west-1/,
    ],
    [
      'a region without plans',
      [{ region: 'eu-west-1', usagePlanIds: [] }],
      undefined,
      'consumers[0].regions[0].usagePlanIds',
      /must name at least one usage plan/,
    ],
    [
      'a plan id that is not one',
      [{ region: 'eu-west-1', usagePlanIds: ['p-1'] }],
      undefined,
      'consumers[0].regions[0].usagePlanIds[0]',
      /must be a usage plan id/,
    ],
    [
      'a plan index out of range',
      [{ region: 'eu-west-1', usagePlanIds: [{ value: 7 }] }],
      undefined,
      'consumers[0].regions[0].usagePlanIds[0]',
      /index of the 2 values/,
    ],
    [
      'a quota of a plan not in the region',
      [
        {
          region: 'eu-west-1',
          usagePlanIds: ['p1'],
          planQuotas: [{ planId: 'plangold', limit: 1, period: 'DAY', offset: 0 }],
        },
      ],
      undefined,
      'consumers[0].regions[0].planQuotas[0].planId',
      /must be one of/,
    ],
  ])('refuses %s, naming the field', (_, regions, format, field, rule) => {
    const problem = read(regions, format) as { field: string; rule: string };
    expect(problem.field).toBe(field);
    expect(problem.rule).toMatch(rule);
  });

  test('refuses a document of an unknown format, naming both it reads', () => {
    expect(
      readDeployerPolicies(JSON.stringify({ format: 'keyplane-policy/v9' }), '[]', SERVICE)
    ).toEqual({
      field: 'document',
      rule: 'must be JSON with format keyplane-policy/v1 or keyplane-policy/v2',
    });
  });
});
