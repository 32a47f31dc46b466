/**
 * A request the node cannot serve as sent. The server answers it with `status` (400 unless said,
 * 413 for a key or value over its limit) and the message, as `{"error": message}`.
 */
export class BadRequest extends Error {
  override name = 'BadRequest';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
