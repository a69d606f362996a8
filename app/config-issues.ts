import { KeyplaneValidationError } from '../constructs/errors';
import { ConfigError } from './config';

/**
 * The constructs' validation errors of one environment, reported at the JSON path of the config
 * field that set the prop: the config restates no rule, so this is where a value it passed
 * through is refused. Every construct is tried, so one run lists every refused field; then
 * {@link ConfigIssues.throwIfAny} throws them together. Other errors are bugs and pass through.
 */
export class ConfigIssues {
  private readonly lines: string[] = [];

  constructor(private readonly environment: string) {}

  /**
   * Builds one construct. `jsonPath` is where its config is, below the environment (e.g.
   * `consumers.acme`); `constructPath` its construct path; `fields` the config's name of a prop
   * where it differs (e.g. `{ usagePlans: 'plans' }`). Returns undefined when it was refused.
   */
  build<T>(
    jsonPath: string,
    constructPath: string,
    create: () => T,
    fields: Readonly<Record<string, string>> = {}
  ): T | undefined {
    try {
      return create();
    } catch (error) {
      if (!(error instanceof KeyplaneValidationError) || error.details === undefined) throw error;
      this.lines.push(
        this.line(error, `environments.${this.environment}.${jsonPath}`, constructPath, fields)
      );
      return undefined;
    }
  }

  /** Adds a problem of the config's own structure at `jsonPath` (below the environment). */
  add(jsonPath: string, message: string): void {
    this.lines.push(`  environments.${this.environment}.${jsonPath}: ${message}`);
  }

  /** Throws a ConfigError listing every problem, if there is one. */
  throwIfAny(): void {
    if (this.lines.length === 0) return;
    throw new ConfigError(`the keyplane config is invalid:\n${this.lines.join('\n')}`);
  }

  private line(
    error: KeyplaneValidationError,
    jsonPath: string,
    constructPath: string,
    fields: Readonly<Record<string, string>>
  ): string {
    const { path, field } = error.details!;
    if (!path.startsWith(constructPath)) return `  ${jsonPath}: ${error.message}`;
    // A child construct (the dedicated plan) is the config field of its id, first letter lower.
    const below = path
      .slice(constructPath.length)
      .split('/')
      .filter(Boolean)
      .map((id) => `.${id[0].toLowerCase()}${id.slice(1)}`)
      .join('');
    const rest = error.message.slice(`${path}: `.length);
    if (field === undefined) return `  ${jsonPath}${below}: ${rest}`;
    const head = /^[^.[\s]+/.exec(field)?.[0] ?? field;
    const configField = `${fields[head] ?? head}${field.slice(head.length)}`;
    return `  ${jsonPath}${below}.${configField}: ${rest.slice(field.length + 1)}`;
  }
}
