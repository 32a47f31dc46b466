/**
 * A user's mistake: an impossible setting or an unreadable input. The CLI prints its message as one
 * line and exits 2; any other error is ours and gets a stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
