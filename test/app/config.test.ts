import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configPath, loadConfig, parseConfig } from '../../app/config';

const ROOT = path.resolve(__dirname, '..', '..');

function environment(overrides: Record<string, unknown> = {}) {
  return {
    environments: {
      dev: {
        region: 'eu-west-1',
        usagePlans: {
          gold: {
            quota: { limit: 10, period: 'DAY' },
            apiStages: [{ restApiId: 'abc', stage: 'v1' }],
          },
        },
        consumers: { acme: { plans: ['gold'] } },
        ...overrides,
      },
    },
  };
}

describe('keyplane config', () => {
  test('the shipped example is valid and declares two plans and three consumers', () => {
    const config = loadConfig(path.join(ROOT, 'keyplane.config.json'));
    const [env] = Object.values(config.environments);
    expect(Object.keys(env.usagePlans)).toEqual(['free', 'gold']);
    expect(Object.keys(env.consumers)).toHaveLength(3);
  });

  test('KEYPLANE_CONFIG names another file', () => {
    expect(configPath('/repo', { KEYPLANE_CONFIG: 'conf/prod.json' })).toBe('/repo/conf/prod.json');
    expect(configPath('/repo', {})).toBe('/repo/keyplane.config.json');
  });

  test('fills defaults', () => {
    const config = parseConfig(environment({ consumers: { acme: {} } }), 'test.json');
    expect(config.environments.dev.consumers.acme.plans).toEqual([]);
  });

  test.each<[string, unknown, RegExp]>([
    [
      'a period is unknown',
      environment({ usagePlans: { gold: { quota: { limit: 1, period: 'YEAR' } } } }),
      /environments\.dev\.usagePlans\.gold\.quota\.period: .*"DAY"\|"WEEK"\|"MONTH".*, got "YEAR"/,
    ],
    [
      'a grace period has no unit',
      environment({ consumers: { acme: { gracePeriod: '24' } } }),
      /environments\.dev\.consumers\.acme\.gracePeriod: must be a whole number followed by m, h or d \(e\.g\. "24h"\), got "24"/,
    ],
    [
      'a grace period is fractional (Duration.parse refuses it)',
      environment({ consumers: { acme: { gracePeriod: '1.5h' } } }),
      /environments\.dev\.consumers\.acme\.gracePeriod: must be a whole number followed by m, h or d \(e\.g\. "24h"\), got "1\.5h"/,
    ],
    [
      'a quota limit is a string',
      environment({ usagePlans: { gold: { quota: { limit: '1000', period: 'DAY' } } } }),
      /environments\.dev\.usagePlans\.gold\.quota\.limit: Invalid input: expected number, received string, got "1000"/,
    ],
    [
      'a consumer field is misspelt',
      environment({ consumers: { acme: { plan: ['gold'] } } }),
      /environments\.dev\.consumers\.acme: Unrecognized key: "plan"/,
    ],
    [
      'a consumer name has a space',
      environment({ consumers: { 'acme corp': {} } }),
      /environments\.dev\.consumers\.acme corp: the name must start with a letter or digit/,
    ],
    [
      'the region is not a region',
      environment({ region: 'Europe' }),
      /environments\.dev\.region: must be an AWS region such as "us-east-1", got "Europe"/,
    ],
    [
      'a stage is neither demo nor an id pair',
      environment({ usagePlans: { gold: { apiStages: [{ restApiId: 'abc' }] } } }),
      /environments\.dev\.usagePlans\.gold\.apiStages\[0\]: must be either \{"api": "demo"\} or \{"restApiId": \.\.\., "stage": \.\.\.\}/,
    ],
    [
      'the overdue margin has no unit',
      environment({ rotation: { overdueMargin: '2' } }),
      /environments\.dev\.rotation\.overdueMargin: must be a whole number followed by m, h or d/,
    ],
    [
      'a plan name has a dot',
      environment({ usagePlans: { 'gold.v2': {} } }),
      /environments\.dev\.usagePlans\.gold\.v2: the name must start with a letter or digit/,
    ],
    [
      'deleteRetiredAfter has no unit',
      environment({ rotation: { deleteRetiredAfter: '7' } }),
      /environments\.dev\.rotation\.deleteRetiredAfter: must be a whole number followed by m, h or d \(e\.g\. "24h"\), got "7"/,
    ],
    [
      'the S3 backend has no bucket',
      environment({ backend: { s3: { key: 'k', region: 'eu-west-1' } } }),
      /environments\.dev\.backend: must be \{"s3": \{"bucket", "key", "region", "dynamodbTable"\?\}\} or \{"local": \{"path"\}\}, each a non-empty string$/m,
    ],
    [
      'a tag value is not a string',
      environment({ tags: { team: 7 } }),
      /environments\.dev\.tags\.team: .*string.*, got 7/,
    ],
    [
      'the root has an unknown key',
      { ...environment(), environment: {} },
      /\(root\): Unrecognized key: "environment"/,
    ],
    [
      'no environment is declared',
      { environments: {} },
      /environments: must declare at least one environment/,
    ],
  ])('fails when %s, naming the JSON path', (_case, raw, message) => {
    expect(() => parseConfig(raw, 'keyplane.config.json')).toThrow(message);
  });

  test('lists every violation at once', () => {
    const raw = environment({
      region: 'nowhere',
      consumers: { acme: { gracePeriod: 'soon', recoveryWindowInDays: 'x' } },
    });
    let message = '';
    try {
      parseConfig(raw, 'keyplane.config.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1)).toHaveLength(3);
    expect(message).toMatch(/^keyplane.config.json: the keyplane config is invalid:/);
  });

  test('fails with the file name when the JSON does not parse', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyplane-')), 'broken.json');
    fs.writeFileSync(file, '{ "environments": ');
    expect(() => loadConfig(file)).toThrow(
      new RegExp(`${file}: cannot read the keyplane config: .*JSON`)
    );
  });
});
