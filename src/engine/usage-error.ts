/** A problem the user must fix before an audit can run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string, readonly kind: 'usage' | 'unreachable' | 'auth' = 'usage') {
    super(message);
    this.name = 'UsageError';
  }

  /** How the command line names this kind of problem: "usage error", "target unreachable", "authentication failed". */
  get label(): string {
    return this.kind === 'auth' ? 'authentication failed' : this.kind === 'unreachable' ? 'target unreachable' : 'usage error';
  }
}
