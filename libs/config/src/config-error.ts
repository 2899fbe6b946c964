/** Raised at boot when one or more environment variables are invalid; lists every problem. */
export interface ConfigIssue {
  env: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';

  constructor(readonly issues: ConfigIssue[]) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.env}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
