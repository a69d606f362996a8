/**
 * Spans of time as keyplane writes them (`30m`, `24h`, `7d`) and as it counts them (whole
 * seconds). Constructs, config and messages format and parse with these, so a duration reads
 * the same everywhere.
 */

/** Seconds in each unit a duration can be written in. */
export const SECONDS_PER = { minute: 60, hour: 3_600, day: 86_400 } as const;

/** `<whole number><m|h|d>`, the text form of a duration. */
export const DURATION_PATTERN = /^(\d+)([mhd])$/;

/** What {@link DURATION_PATTERN} allows, worded for messages. */
export const DURATION_RULE = 'be a whole number followed by m, h or d (e.g. "24h")';

const UNIT_SECONDS = { m: SECONDS_PER.minute, h: SECONDS_PER.hour, d: SECONDS_PER.day } as const;

/** Whole seconds of `<whole number><m|h|d>`; undefined when the text has another shape. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** The shortest text form of whole seconds: `7d`, `36h`, `90m`, or `45s`. */
export function formatSeconds(seconds: number): string {
  if (seconds > 0 && seconds % SECONDS_PER.day === 0) return `${seconds / SECONDS_PER.day}d`;
  if (seconds % SECONDS_PER.hour === 0) return `${seconds / SECONDS_PER.hour}h`;
  if (seconds % SECONDS_PER.minute === 0) return `${seconds / SECONDS_PER.minute}m`;
  return `${seconds}s`;
}
