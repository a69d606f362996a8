/**
 * The doc comments of the constructs' props, read from their source with the TypeScript
 * parser, so the configuration reference describes a config field that mirrors a prop with
 * the prop's own words and default: one place for both.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** A prop's summary and its `@default`, worded for keyplane.config.json. */
export interface PropDoc {
  readonly summary: string;
  readonly default?: string;
}

const CONSTRUCTS = path.resolve(__dirname, '..', 'constructs');
let docs: Map<string, PropDoc> | undefined;

/** The doc of `Interface.prop`, e.g. `ManagedApiKeyProps.gracePeriod`. */
export function propDoc(ref: string): PropDoc {
  docs ??= readDocs();
  const doc = docs.get(ref);
  if (!doc) throw new Error(`no documented prop ${ref} in constructs/`);
  return doc;
}

function readDocs(): Map<string, PropDoc> {
  const found = new Map<string, PropDoc>();
  for (const file of fs.readdirSync(CONSTRUCTS).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(CONSTRUCTS, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isInterfaceDeclaration(statement)) continue;
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
        const doc = ts.getJSDocCommentsAndTags(member).find(ts.isJSDoc);
        if (!doc) continue;
        const summary = ts.getTextOfJSDocComment(doc.comment)?.replace(/\s+/g, ' ').trim() ?? '';
        const tag = doc.tags?.find((t) => t.tagName.text === 'default');
        const value = tag && ts.getTextOfJSDocComment(tag.comment)?.trim();
        found.set(`${statement.name.text}.${member.name.text}`, {
          summary: summary.replace(/\{@link (\w+)\.?(\w*)\}/g, (_m, a, b) => b || a),
          default: value === undefined ? undefined : asConfigValue(value),
        });
      }
    }
  }
  return found;
}

const UNIT = { minutes: 'm', hours: 'h', days: 'd' } as const;

/** A prop's default as it is written in the config: `Duration.hours(24)` is `"24h"`. */
function asConfigValue(value: string): string {
  if (value.startsWith('- ')) return value.slice(2);
  const quoted = /^'(.*)'$/.exec(value);
  if (quoted) return JSON.stringify(quoted[1]);
  const schedule = /^KeyRotationSchedule\.every\(Duration\.days\((\d+)\)\)$/.exec(value);
  if (schedule) return `"rate(${schedule[1]} days)"`;
  const duration = /^Duration\.(minutes|hours|days)\((\d+)\)$/.exec(value);
  if (duration) return `"${duration[2]}${UNIT[duration[1] as keyof typeof UNIT]}"`;
  return value;
}
