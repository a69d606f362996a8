/**
 * What the sweep concludes from an outgoing key's traffic — pure functions of its usage
 * counters, the mark the previous sweep left on it, and the consumer's policy.
 *
 * Traffic is read from API Gateway's daily counters and diffed against the mark (KeyTag
 * USAGE_MARK): the requests of both keys on the mark's day as the previous sweep saw them, and
 * when the sweep first read them. Without a mark (the first sweep after the rotation) nothing
 * can be told: the day's counter holds the requests made before the rotation. A mark that
 * cannot be read, is later than today or above the counters counts the same way, so a tag
 * edited by someone else can delay an early retirement but never cause one.
 *
 * - Before the grace period ends: retired early once the outgoing key has been quiet (its
 *   counters unchanged) for the quiet period, counted from its last seen traffic or, without
 *   any, from the first reading; kept otherwise.
 * - When it ends: retired, unless the key is in use — traffic seen since the previous sweep, or
 *   within the quiet period — and a hold is allowed: then held, until grace + the maximum hold,
 *   then retired anyway. Holding needs evidence: a key whose traffic could not be told is
 *   retired when its grace period ends, as without traffic watching.
 */
import type { Leader } from './quota-split';

/** The previous sweep's reading: requests of each key on `day`, summed over their plans. */
export interface UsageMark {
  readonly day: string;
  readonly outgoing: number;
  readonly current: number;
  /** When the first sweep after the rotation read the counters. */
  readonly since: Date;
}

const MARK = /^(\d{4}-\d{2}-\d{2}) (\d{1,12}) (\d{1,12}) (\S+)$/;

export function parseMark(text: string | undefined): UsageMark | undefined {
  const match = text === undefined ? null : MARK.exec(text);
  const since = match === null ? NaN : Date.parse(match[4]);
  if (match === null || Number.isNaN(since)) return undefined;
  return {
    day: match[1],
    outgoing: Number(match[2]),
    current: Number(match[3]),
    since: new Date(since),
  };
}

export function formatMark(mark: UsageMark): string {
  return `${mark.day} ${mark.outgoing} ${mark.current} ${mark.since.toISOString()}`;
}

/** Requests of both keys from the mark's day (or today without a mark) to today. */
export interface TrafficSample {
  readonly today: string;
  readonly outgoingSince: number;
  readonly currentSince: number;
  readonly outgoingToday: number;
  readonly currentToday: number;
}

/** Requests each key made since the mark; `undefined` for the outgoing key when unknown. */
export interface TrafficDelta {
  readonly outgoing?: number;
  readonly current: number;
  /** The mark to leave for the next sweep. */
  readonly mark: UsageMark;
}

/** The day the next reading must start at, so it covers the mark's day. */
export function sampleFrom(mark: UsageMark | undefined, today: string): string {
  // Stryker disable next-line EqualityOperator: `<` differs only when mark.day equals today, where both branches give the same day
  return mark !== undefined && mark.day <= today ? mark.day : today;
}

export function diffTraffic(
  mark: UsageMark | undefined,
  sample: TrafficSample,
  now: Date
): TrafficDelta {
  const next = {
    day: sample.today,
    outgoing: sample.outgoingToday,
    current: sample.currentToday,
    // Stryker disable next-line EqualityOperator: `<` differs only when mark.since equals now, where both branches give the same instant
    since: mark !== undefined && mark.since <= now ? mark.since : now,
  };
  if (mark === undefined || mark.day > sample.today) {
    return { current: sample.currentToday, mark: next };
  }
  const outgoing = sample.outgoingSince - mark.outgoing;
  const current = Math.max(0, sample.currentSince - mark.current);
  // A counter never goes down: a reading below the mark means the mark is not ours.
  return outgoing < 0 ? { current, mark: next } : { outgoing, current, mark: next };
}

/** Which key carries the consumer's traffic now. */
export function leaderOf(delta: Pick<TrafficDelta, 'outgoing' | 'current'>): Leader {
  if (delta.outgoing === undefined) return delta.current > 0 ? 'current' : 'outgoing';
  return delta.outgoing > delta.current ? 'outgoing' : 'current';
}

export interface RetirementInput {
  readonly now: Date;
  readonly retireAfter: Date;
  /** When a sweep last saw the outgoing key's counters move, if ever. */
  readonly lastTraffic?: Date;
  /** When the counters were first read (the quiet period starts there without traffic). */
  readonly readSince: Date;
  /** Whether they moved since the previous sweep; undefined when that cannot be told. */
  readonly movedNow?: boolean;
  readonly heldSince?: Date;
  readonly quietPeriodSeconds: number;
  readonly maxHoldSeconds: number;
}

export type RetirementVerdict =
  | { readonly kind: 'keep' }
  | { readonly kind: 'hold'; readonly since: Date }
  | { readonly kind: 'retire'; readonly reason: 'quiet' | 'expired' | 'hold-ended' };

export function decideRetirement(input: RetirementInput): RetirementVerdict {
  const now = input.now.getTime();
  const quietMs = input.quietPeriodSeconds * 1000;
  const quietFrom = (input.lastTraffic ?? input.readSince).getTime();
  const quiet = quietMs > 0 && input.movedNow === false && now - quietFrom >= quietMs;
  if (now < input.retireAfter.getTime()) {
    return quiet ? { kind: 'retire', reason: 'quiet' } : { kind: 'keep' };
  }
  const recent = input.lastTraffic !== undefined && now - input.lastTraffic.getTime() < quietMs;
  const inUse = input.movedNow === true || recent;
  if (!inUse || input.maxHoldSeconds === 0) return { kind: 'retire', reason: 'expired' };
  if (now >= input.retireAfter.getTime() + input.maxHoldSeconds * 1000) {
    return { kind: 'retire', reason: 'hold-ended' };
  }
  return { kind: 'hold', since: input.heldSince ?? input.now };
}
