/**
 * One HTTP request with a JSON body to a node, and how it ended: an answer (status and body, the
 * body parsed as a JSON object when it is one), no answer within the time limit, or a connection
 * error (Node's code: ECONNREFUSED means nothing was sent). What an ending means for an op is the
 * system's business; this only moves bytes.
 */
import http from 'node:http';

export type JsonReply =
  | { kind: 'response'; status: number; body: Record<string, unknown> }
  /** No answer within the time limit: the request may or may not have been applied. */
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

export function requestJson(agent: http.Agent, addr: string, method: string, path: string, body: string | undefined, timeoutMs: number): Promise<JsonReply> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (reply: JsonReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const req = http.request(
      {
        host: addr.slice(0, at),
        port: Number(addr.slice(at + 1)),
        method,
        path,
        agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => settle({ kind: 'response', status: res.statusCode ?? 0, body: parseObject(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? error.message }));
      },
    );
    const timer = setTimeout(() => {
      settle({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'error', code: error.code ?? error.message }));
    req.end(body);
  });
}

/** A body as a JSON object; anything else (not JSON, or not an object) as `{ error: its first 200 characters }` or `{}`. */
function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { error: text.slice(0, 200) };
  }
}
