/** A problem the user must fix before an audit can run (exit code 2). */
export class UsageError extends Error {
  constructor(message: string, readonly kind: 'usage' | 'unreachable' | 'auth' = 'usage') {
    super(message);
    this.name = 'UsageError';
  }
}
