/**
 * HTTP routes. The client API (JSON):
 *   POST /kv/put {"key","value"}   GET /kv/get/:key   GET /cluster/status   GET /health
 * the membership API (the ring a node routes by, a later member's dial address, a graceful leave):
 *   GET|POST /cluster/ring [{"keys"}]   POST /cluster/dial {"id","addr"}   POST /cluster/leave
 * and the node-to-node API, every route POST under /internal/.
 *
 * Bad input never crashes the node: malformed JSON, a missing, non-string or empty key, a missing or
 * non-string value → 400; unknown route → 404; wrong method → 405; a body over 1 MiB → 413. Each with
 * a JSON {"error": "..."} a person can read.
 */
import http from 'node:http';
import type { EventLog } from './log.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Node-to-node bodies carry client values plus framing (and batches several), so they may be larger. */
export const MAX_INTERNAL_BODY_BYTES = 16 * 1024 * 1024;

export interface Reply {
  status: number;
  body: unknown;
}

/** A request the node cannot serve as sent; becomes a 400 with this message. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

/** A reply, and what to do once it has been sent (a leaving node stops only after it answered). */
export interface ReplyThen extends Reply {
  after?: () => void;
}

/** At most this many keys in one /cluster/ring request. */
export const MAX_RING_KEYS = 100_000;

export interface Routes {
  put(key: string, value: string): Promise<Reply>;
  get(key: string): Promise<Reply>;
  status(): unknown;
  /** The ring this node routes by, and each key's replica set on it (owner first) when keys are given. */
  ring(keys: string[] | undefined): unknown;
  /** Dial `addr` to reach member `id` from now on; a thrown BadRequest becomes a 400. */
  dial(id: unknown, addr: unknown): unknown;
  /** Leave the cluster for good: announce it, answer, then stop. */
  leave(): Promise<ReplyThen>;
  /** Handlers for POST /internal/<name>; a thrown BadRequest becomes a 400. */
  internal: Record<string, (body: unknown) => unknown>;
}

export function createServer(routes: Routes, log: EventLog): http.Server {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log('failed', { what: 'request handler', method: req.method, url: req.url, error: String((e as Error)?.stack ?? e) });
      if (!res.headersSent) send(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (err.code === 'ECONNRESET' && !socket.readable)) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: `malformed HTTP request: ${err.code ?? err.message}` });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';

    if (path.startsWith('/kv/get/') || path === '/kv/get') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(req, res, path, 'GET');
      let key: string;
      try {
        key = decodeURIComponent(path.slice('/kv/get/'.length));
      } catch {
        return send(res, 400, { error: `the key in ${JSON.stringify(path)} is not valid URL encoding (encode it with encodeURIComponent)` });
      }
      if (key === '') return send(res, 400, { error: 'missing key: use GET /kv/get/<key>' });
      const r = await routes.get(key);
      return send(res, r.status, r.body);
    }

    switch (path) {
      case '/health':
        if (method !== 'GET' && method !== 'HEAD') return notAllowed(req, res, path, 'GET');
        return send(res, 200, { ok: true });
      case '/cluster/status':
        if (method !== 'GET' && method !== 'HEAD') return notAllowed(req, res, path, 'GET');
        return send(res, 200, routes.status());
      case '/cluster/ring': {
        if (method === 'GET' || method === 'HEAD') return send(res, 200, routes.ring(undefined));
        if (method !== 'POST') return notAllowed(req, res, path, 'GET, POST');
        const body = await readJson(req, res);
        if (body === undefined) return;
        try {
          return send(res, 200, routes.ring(parseRingKeys(body)));
        } catch (e) {
          if (e instanceof BadRequest) return send(res, 400, { error: e.message });
          throw e;
        }
      }
      case '/cluster/dial': {
        if (method !== 'POST') return notAllowed(req, res, path, 'POST');
        const body = await readJson(req, res);
        if (body === undefined) return;
        const { id, addr } = (typeof body === 'object' && body !== null ? body : {}) as { id?: unknown; addr?: unknown };
        try {
          return send(res, 200, routes.dial(id, addr));
        } catch (e) {
          if (e instanceof BadRequest) return send(res, 400, { error: e.message });
          throw e;
        }
      }
      case '/cluster/leave': {
        if (method !== 'POST') return notAllowed(req, res, path, 'POST');
        drain(req);
        const r = await routes.leave();
        if (r.after) res.once('close', r.after);
        return send(res, r.status, r.body);
      }
      case '/kv/put': {
        if (method !== 'POST') return notAllowed(req, res, path, 'POST');
        const body = await readJson(req, res);
        if (body === undefined) return;
        let kv: { key: string; value: string };
        try {
          kv = parsePut(body);
        } catch (e) {
          if (e instanceof BadRequest) return send(res, 400, { error: e.message });
          throw e;
        }
        const r = await routes.put(kv.key, kv.value);
        return send(res, r.status, r.body);
      }
    }

    if (path.startsWith('/internal/')) {
      const handler = Object.hasOwn(routes.internal, path.slice('/internal/'.length)) ? routes.internal[path.slice('/internal/'.length)] : undefined;
      if (!handler) return send(res, 404, { error: `no internal route ${path}` });
      if (method !== 'POST') return notAllowed(req, res, path, 'POST');
      const body = await readJson(req, res, MAX_INTERNAL_BODY_BYTES);
      if (body === undefined) return;
      try {
        return send(res, 200, await handler(body));
      } catch (e) {
        if (e instanceof BadRequest) return send(res, 400, { error: e.message });
        throw e;
      }
    }

    drain(req);
    return send(res, 404, { error: `no route ${method} ${path} (routes: POST /kv/put, GET /kv/get/:key, GET /cluster/status, GET /health)` });
  }

  return server;
}

function parsePut(body: unknown): { key: string; value: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest(`the body must be a JSON object like {"key":"alpha","value":"first"}, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  }
  const { key, value } = body as { key?: unknown; value?: unknown };
  if (key === undefined) throw new BadRequest('missing "key" (a non-empty string)');
  if (typeof key !== 'string') throw new BadRequest(`"key" must be a string, got ${describeType(key)}`);
  if (key === '') throw new BadRequest('"key" must not be empty');
  if (value === undefined) throw new BadRequest('missing "value" (a string)');
  if (typeof value !== 'string') throw new BadRequest(`"value" must be a string, got ${describeType(value)} (send numbers as strings, e.g. "17")`);
  return { key, value };
}

function parseRingKeys(body: unknown): string[] {
  const keys = (typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { keys?: unknown }).keys : undefined);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' && k !== '')) {
    throw new BadRequest('the body must be {"keys": [...]}, a list of non-empty key strings');
  }
  if (keys.length > MAX_RING_KEYS) throw new BadRequest(`at most ${MAX_RING_KEYS} keys at once, got ${keys.length}`);
  return keys as string[];
}

function describeType(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`;
}

/** Read and parse a JSON body of at most `limit` bytes; on failure answer 400/413 and return undefined. */
async function readJson(req: http.IncomingMessage, res: http.ServerResponse, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    tooLarge(req, res, declared, limit);
    return undefined;
  }
  const read = await new Promise<{ chunks: Buffer[]; size: number; over: boolean } | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve({ chunks, size, over: true });
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ chunks, size, over: false }));
    req.on('error', () => resolve(undefined));
    req.on('aborted', () => resolve(undefined));
  });
  if (!read) {
    res.destroy(); // the client went away mid-body
    return undefined;
  }
  if (read.over) {
    tooLarge(req, res, read.size, limit);
    return undefined;
  }
  const chunks = read.chunks;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    send(res, 400, { error: 'empty body: send a JSON object like {"key":"alpha","value":"first"}' });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    send(res, 400, { error: `the body is not valid JSON (${(e as Error).message})` });
    return undefined;
  }
}

function tooLarge(req: http.IncomingMessage, res: http.ServerResponse, size: number, limit: number): void {
  res.setHeader('connection', 'close');
  send(res, 413, { error: `the body is over the ${limit / 1024 / 1024} MiB limit (${size} bytes or more; limit ${limit})` });
  // Discard the rest of the body so the client gets to read the answer rather than a reset, but do not
  // wait for it forever.
  drain(req);
  const timer = setTimeout(() => req.socket.destroy(), 2000);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
}

function notAllowed(req: http.IncomingMessage, res: http.ServerResponse, path: string, allowed: string): void {
  drain(req);
  res.setHeader('allow', allowed === 'GET' ? 'GET, HEAD' : allowed);
  send(res, 405, { error: `${req.method} is not allowed on ${path} (use ${allowed})` });
}

/** Discard a body we will not read, so the connection can be reused. */
function drain(req: http.IncomingMessage): void {
  req.resume();
  req.on('error', () => {});
}

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
