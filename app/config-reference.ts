import { z } from 'zod';
import { configSchema } from './config';
import { propDoc } from './prop-docs';

/**
 * The configuration reference (docs/configuration.md), generated from the zod schema through
 * its JSON Schema (z.toJSONSchema), so the docs cannot drift from what loadConfig accepts. A
 * field that sets a construct prop (app/config-fields.ts) is described by the prop's doc comment
 * and `@default`, and its rules are the construct's, so they are written once, on the prop:
 * `npm run docs:config` writes it, and a unit test fails when the checked-in file is stale.
 */

/** The generated files, relative to the repository root. */
export const CONFIG_DOCS = {
  reference: 'docs/configuration.md',
  jsonSchema: 'docs/keyplane.config.schema.json',
} as const;

/** The generated files' contents, by path. */
export function renderConfigDocs(): Record<string, string> {
  return {
    [CONFIG_DOCS.reference]: configReference(),
    [CONFIG_DOCS.jsonSchema]: `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  };
}

/** A JSON Schema node, as far as the reference reads it. */
interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly pattern?: string;
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

/** How a record's keys are shown in a path. */
const KEY_NAMES: Record<string, string> = {
  environments: '<environment>',
  usagePlans: '<plan>',
  consumers: '<consumer>',
  methodThrottles: '<"/path/METHOD">',
};

/** The config's JSON Schema: what an editor can validate keyplane.config.json with. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return describeProps(schema) as Record<string, unknown>;
}

/**
 * Fields that mirror a construct prop carry `prop` (`Interface.prop`) instead of a description:
 * the prop's doc comment and default become the field's description.
 */
function describeProps(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(describeProps);
  if (node === null || typeof node !== 'object') return node;
  const { prop, ...rest } = node as Record<string, unknown>;
  const described = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, describeProps(value)])
  );
  if (typeof prop !== 'string') return described;
  const doc = propDoc(prop);
  const fallback = doc.default === undefined ? '' : ` Default: ${doc.default}.`;
  return { ...described, description: `${doc.summary}${fallback}` };
}

/** The Markdown reference of every field. */
export function configReference(): string {
  const rows: Row[] = [];
  walk(configJsonSchema() as SchemaNode, '', true, rows);
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
  return [
    '# Configuration reference (keyplane.config.json)',
    '',
    "<!-- Generated from app/config.ts, app/config-fields.ts and the constructs' prop docs by `npm run docs:config`; do not edit by hand. -->",
    '',
    '`main.ts` reads `keyplane.config.json` (or the file named by `KEYPLANE_CONFIG`) and builds',
    'one stack per environment. Every error names the JSON path, the value and the rule. A field',
    "that sets a construct prop is checked by the construct's own rules when the stack is built.",
    'Paths below use `<environment>`, `<plan>` and `<consumer>` for names you choose and `[]` for',
    'the items of a list.',
    '',
    '| field | type | required | description |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| \`${row.path}\` | ${escape(row.type)} | ${row.required ? 'yes' : 'no'} | ${escape(row.description)} |`
    ),
    '',
  ].join('\n');
}

function walk(node: SchemaNode, path: string, required: boolean, rows: Row[]): void {
  if (path !== '' && node.description !== undefined) {
    rows.push({ path, type: typeOf(node), required, description: node.description });
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (key === '$schema') continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    walk(child, childPath, node.required?.includes(key) ?? false, rows);
  }
  if (typeof node.additionalProperties === 'object') {
    const key = KEY_NAMES[path.split('.').pop() ?? ''] ?? '<key>';
    walk(node.additionalProperties, `${path}.${key}`, false, rows);
  }
  if (node.items) walk(node.items, `${path}[]`, false, rows);
  for (const option of node.anyOf ?? []) walk(option, path, false, rows);
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(' or ');
  if (node.anyOf) return 'one of the objects below';
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object') {
    return node.properties === undefined && typeof node.additionalProperties === 'object'
      ? `map of ${typeOf(node.additionalProperties)}`
      : 'object';
  }
  if (node.format) return `${node.type} (${node.format})`;
  return node.type ?? 'any';
}
