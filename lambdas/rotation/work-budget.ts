/**
 * The bound on one sweep invocation: a number of mutating AWS calls and a deadline taken from
 * the Lambda's remaining time. The sweep asks before each piece of work and stops cleanly,
 * returning a cursor, instead of being killed mid-way by the Lambda timeout.
 */

export class WorkBudget {
  private spent = 0;

  constructor(
    readonly maxMutatingCalls: number,
    /** Epoch milliseconds after which no new work starts; undefined for no deadline. */
    private readonly deadline: number | undefined,
    private readonly clock: () => number
  ) {}

  /** True when `calls` more mutating calls fit. The first piece of work always fits. */
  canAfford(calls: number): boolean {
    return this.spent === 0 || this.spent + calls <= this.maxMutatingCalls;
  }

  spend(calls: number): void {
    this.spent += calls;
  }

  get mutatingCalls(): number {
    return this.spent;
  }

  outOfTime(): boolean {
    return this.deadline !== undefined && this.clock() >= this.deadline;
  }
}
