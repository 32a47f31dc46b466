/** A request the node answers with an error status instead of serving it, and `{"error": message}`. */
export class RequestRefused extends Error {
  override name = 'RequestRefused';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A request the node cannot serve as sent: 400 unless said (413 for a key or value over its limit). */
export class BadRequest extends RequestRefused {
  override name = 'BadRequest';
  constructor(message: string, status = 400) {
    super(message, status);
  }
}
