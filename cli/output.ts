/**
 * Where the CLI writes, and the small text formats every command shares. Results go to
 * stdout (a table, a line, or JSON with --json); progress, notices and errors go to stderr.
 */
import * as readline from 'readline';
import { SECONDS_PER } from '../contract/durations';

/** The terminal, abstracted so tests can run commands in-process. */
export interface Io {
  /** Writes to stdout (results only). */
  out(text: string): void;
  /** Writes to stderr (progress, notices, errors). */
  err(text: string): void;
  /** Whether stdin is a terminal a person can answer a question on. */
  readonly interactive: boolean;
  /** Asks on stderr and returns the line typed. */
  ask(question: string): Promise<string>;
}

/** The process's own stdin, stdout and stderr. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    interactive: process.stdin.isTTY === true,
    ask: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      }),
  };
}

/** Left-aligned columns separated by two spaces, a header row first. */
export function formatTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    )
    .join('\n');
}

/** An instant as ISO-8601 to the second (`2026-01-02T03:04:05Z`), or `-`. */
export function iso(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** A duration as its two largest units: `3d4h`, `5h12m`, `40s`; `-` when unknown. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const units: [string, number][] = [
    ['d', SECONDS_PER.day],
    ['h', SECONDS_PER.hour],
    ['m', SECONDS_PER.minute],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0s' : parts.join('').replace(/(\D)0[a-z]$/, '$1');
}

/** JSON for --json: two-space indented, dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
