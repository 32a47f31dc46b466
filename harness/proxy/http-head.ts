/**
 * The head of the first HTTP/1.x request on a connection: its method, path and headers. Pure, so a
 * front can call it on every chunk until the head is complete, and a test can feed it bytes.
 */
export interface RequestHead {
  method: string;
  /** The request target as sent, e.g. `/raft/stream/message/8e9e05c52164694d`. */
  path: string;
  /** Header names in lower case; a repeated header keeps its first value. */
  headers: Readonly<Record<string, string>>;
}

/** The most a head may take; a connection that sends more without one is not HTTP we understand. */
export const MAX_HEAD_BYTES = 64 * 1024;

const END_OF_HEAD = '\r\n\r\n';
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;

/**
 * `incomplete` while the bytes end before the blank line that ends the head; `invalid` when they
 * cannot be an HTTP/1.x request (or the head passes MAX_HEAD_BYTES).
 */
export function parseRequestHead(bytes: Buffer): RequestHead | 'incomplete' | 'invalid' {
  const end = bytes.indexOf(END_OF_HEAD, 0, 'latin1');
  if (end < 0) {
    if (bytes.length >= MAX_HEAD_BYTES) return 'invalid';
    // A request line is short and uppercase first: reject anything else early rather than buffer it.
    const firstLine = bytes.subarray(0, Math.min(bytes.length, 16)).toString('latin1');
    return /^[A-Z]*( |$)/.test(firstLine) ? 'incomplete' : 'invalid';
  }
  if (end > MAX_HEAD_BYTES) return 'invalid';
  const [requestLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = REQUEST_LINE.exec(requestLine);
  if (!match) return 'invalid';
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return 'invalid';
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { method: match[1]!, path: match[2]!, headers };
}
