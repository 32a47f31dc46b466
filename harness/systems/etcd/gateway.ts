/**
 * etcd's v3 API over its JSON gateway (`POST /v3/kv/range`, `/v3/kv/put`, `/v3/kv/txn`,
 * `/v3/maintenance/status`, `/v3/cluster/member/list`), served on each member's client port:
 * plain HTTP/1.1 with keep-alive, bytes (keys, values) in base64, 64-bit integers as decimal strings.
 * This file only moves bytes and says how a request ended; what an ending means is `errors.ts`'s.
 */
import http from 'node:http';

export type GatewayReply =
  | { kind: 'response'; status: number; body: Record<string, unknown> }
  /** No answer within the time limit: the request may or may not have been applied. */
  | { kind: 'timeout' }
  /** The connection failed; `code` is Node's (ECONNREFUSED: nothing was sent). */
  | { kind: 'error'; code: string };

export interface Gateway {
  post(addr: string, path: string, body: unknown, timeoutMs: number): Promise<GatewayReply>;
  /** Closes every kept-alive socket. */
  close(): void;
}

export function createGateway(options: { maxSocketsPerMember?: number } = {}): Gateway {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerMember ?? 32 });
  return {
    post: (addr, path, body, timeoutMs) => post(agent, addr, path, JSON.stringify(body), timeoutMs),
    close: () => agent.destroy(),
  };
}

function post(agent: http.Agent, addr: string, path: string, body: string, timeoutMs: number): Promise<GatewayReply> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (reply: GatewayReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const req = http.request(
      {
        host: addr.slice(0, at),
        port: Number(addr.slice(at + 1)),
        method: 'POST',
        path,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => settle({ kind: 'response', status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
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

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { error: text.slice(0, 200) };
  }
}

export const toBase64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const fromBase64 = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/** A 64-bit integer field as the gateway writes it (a decimal string, absent when zero). */
export function int64(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return 0;
}
