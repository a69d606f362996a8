import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema, configReference, renderConfigDocs } from '../../app/config-reference';
import { KEY_BUDGET_BOUND } from '../../contract';

const ROOT = path.resolve(__dirname, '..', '..');

describe('configuration reference', () => {
  test.each(Object.entries(renderConfigDocs()))(
    '%s is up to date with app/config.ts and the props (else run `npm run docs:config`)',
    (file, expected) => {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toBe(expected);
    }
  );

  test('documents every prop of the mirrored interfaces, with its own doc comment', () => {
    const reference = configReference();
    // RotationServiceProps.sweepSchedule: in the config because the prop exists, nothing else.
    expect(reference).toContain(
      '| `environments.<environment>.rotation.sweepSchedule` | string | no | How often the sweep runs (an EventBridge schedule expression). Default: "rate(1 hour)". |'
    );
    expect(reference).not.toMatch(/\.serviceName`|\.secretPrefix`|\.rotationService`/);
  });

  test('bounds keyBudget in the JSON Schema as the construct and the rotation function do', () => {
    const schema = JSON.stringify(configJsonSchema());
    expect(schema).toContain(
      `"keyBudget":{"type":"integer","minimum":1,"maximum":${KEY_BUDGET_BOUND.max},"description":`
    );
  });

  test('documents every field with its default, alarm settings included', () => {
    const reference = configReference();
    const rows = reference.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) expect(row).toMatch(/\| (yes|no) \| \S.+ \|$/);
    const optional = rows.filter(
      (row) => /\| no \| /.test(row) && !/\.<|\[\]` \|/.test(row.split('|')[1])
    );
    for (const row of optional) expect(row).toMatch(/Default: |Required with|Ignored/);
    expect(reference).toContain(
      '| `environments.<environment>.rotation.alarmEmails` | list of string | no | E-mail addresses subscribed to the alarm topic.'
    );
  });
});
