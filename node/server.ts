/**
 * HTTP routes. The client API (JSON):
 *   POST /kv/put {"key","value"}   GET /kv/get/:key   GET /cluster/status   GET /health
 * the membership API (the ring a node routes by, a later member's dial address, a graceful leave):
 *   GET|POST /cluster/ring [{"keys"}]   POST /cluster/dial {"id","addr"}   POST /cluster/leave
 * and the node-to-node API, every route POST under /internal/. The two membership routes that change
 * the node (dial, leave) are guarded by the cluster secret like /internal/; the ring is read-only and
 * open like /cluster/status.
 *
 * Bad input never crashes the node: malformed JSON, a missing, non-string or empty key, a key no URL
 * can name, a missing or non-string value → 400; a key or value over its limit, or a body over 1 MiB
 * → 413 (a get's key over the limit: 414); unknown route → 404; wrong method → 405. Each with a JSON
 * {"error": "..."} a person can read. With a cluster secret, an /internal/ request without it
 * gets 401 before its body is read.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventLog } from './log.js';
import { BadRequest, RequestRefused } from './bad-request.js';
import { SECRET_HEADER, type SecretVerdict } from './peer-auth.js';
import { keyProblem, valueProblem, type PayloadLimits } from './keys.js';
import { parseDialRequest, parseLeaveRequest, parseRingRequest } from './cluster-requests.js';
import type { MemberRef } from './peer-messages.js';

export { BadRequest };

export const MAX_BODY_BYTES = 1024 * 1024;
/** Node-to-node bodies carry client values plus framing (and batches several), so they may be larger. */
export const MAX_INTERNAL_BODY_BYTES = 16 * 1024 * 1024;

export interface Reply {
  status: number;
  body: unknown;
}

/** A reply, and what to do once it has been sent (a leaving node stops only after it answered). */
export interface ReplyThen extends Reply {
  after?: () => void;
}

export interface Routes {
  /** The largest key and value a client may send (keys.ts). */
  limits: PayloadLimits;
  put(key: string, value: string): Promise<Reply>;
  get(key: string): Promise<Reply>;
  status(): unknown;
  /** 200 while the node can serve; 503 with the reason while it cannot (its durable log failing). */
  health(): Reply;
  /** The ring this node routes by, and each key's replica set on it (owner first) when keys are given. */
  ring(keys: string[] | undefined): unknown;
  /** Dial `member.addr` to reach `member.id` from now on; a thrown RequestRefused becomes its status. */
  dial(member: MemberRef): unknown;
  /** Leave the cluster for good: announce it, answer, then stop. */
  leave(): Promise<ReplyThen>;
  /** Handlers for POST /internal/<name>; a thrown RequestRefused (BadRequest: 400) becomes its status. */
  internal: Record<string, (body: unknown) => unknown>;
  /** Judges the cluster-secret header of an /internal/ request; absent: internal routes are open. */
  checkSecret?: (presented: string | string[] | undefined) => SecretVerdict;
}

export function createServer(routes: Routes, log: EventLog): http.Server {
  let refused = 0;
  // Every answer is ours, as JSON: Node's own (400 for a missing Host header, 417 for an Expect it does
  // not know, a dropped connection for CONNECT) are replaced below.
  const server = http.createServer({ requireHostHeader: false }, (req, res) => {
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
    const [status, reason, what] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'the request line and headers are over 16 KiB']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'the request did not arrive in time']
          : [400, 'Bad Request', 'malformed HTTP request'];
    rawAnswer(socket, status, reason, `${what}: ${err.code ?? err.message}`);
  });
  server.on('checkExpectation', (req, res) => {
    drain(req);
    closeWith(req, res, 417, { error: `cannot meet "Expect: ${String(req.headers.expect).slice(0, 60)}" (only 100-continue)` });
  });
  server.on('connect', (_req, socket) => rawAnswer(socket, 405, 'Method Not Allowed', 'CONNECT is not allowed here (this is not a proxy)'));

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
      const problem = keyProblem(key, routes.limits);
      // No such key can have been written; 414 when it is too long to be one.
      if (problem) return send(res, problem.status === 413 ? 414 : problem.status, { error: problem.message });
      const r = await routes.get(key);
      return send(res, r.status, r.body);
    }

    switch (path) {
      case '/health': {
        if (method !== 'GET' && method !== 'HEAD') return notAllowed(req, res, path, 'GET');
        const h = routes.health();
        return send(res, h.status, h.body);
      }
      case '/cluster/status':
        if (method !== 'GET' && method !== 'HEAD') return notAllowed(req, res, path, 'GET');
        return send(res, 200, routes.status());
      case '/cluster/ring': {
        if (method === 'GET' || method === 'HEAD') return send(res, 200, routes.ring(undefined));
        if (method !== 'POST') return notAllowed(req, res, path, 'GET, POST');
        const body = await readJson(req, res);
        if (body === undefined) return;
        return answer(res, () => routes.ring(parseRingRequest(body, routes.limits)));
      }
      case '/cluster/dial': {
        if (method !== 'POST') return notAllowed(req, res, path, 'POST');
        if (refuseWithoutSecret(req, res, path)) return;
        const body = await readJson(req, res);
        if (body === undefined) return;
        return answer(res, () => routes.dial(parseDialRequest(body)));
      }
      case '/cluster/leave': {
        if (method !== 'POST') return notAllowed(req, res, path, 'POST');
        if (refuseWithoutSecret(req, res, path)) return;
        const body = await readJson(req, res, MAX_BODY_BYTES, NO_BODY);
        if (body === undefined) return;
        try {
          parseLeaveRequest(body === NO_BODY ? undefined : body);
        } catch (e) {
          if (e instanceof RequestRefused) return send(res, e.status, { error: e.message });
          throw e;
        }
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
          kv = parsePut(body, routes.limits);
        } catch (e) {
          if (e instanceof BadRequest) return send(res, e.status, { error: e.message });
          throw e;
        }
        const r = await routes.put(kv.key, kv.value);
        return send(res, r.status, r.body);
      }
    }

    if (path.startsWith('/internal/')) {
      if (refuseWithoutSecret(req, res, path)) return;
      const handler = Object.hasOwn(routes.internal, path.slice('/internal/'.length)) ? routes.internal[path.slice('/internal/'.length)] : undefined;
      if (!handler) return send(res, 404, { error: `no internal route ${path}` });
      if (method !== 'POST') return notAllowed(req, res, path, 'POST');
      const body = await readJson(req, res, MAX_INTERNAL_BODY_BYTES);
      if (body === undefined) return;
      return answer(res, () => handler(body));
    }

    drain(req);
    return send(res, 404, {
      error: `no route ${method} ${path} (routes: POST /kv/put, GET /kv/get/:key, GET /cluster/status, GET /health, GET|POST /cluster/ring, POST /cluster/dial, POST /cluster/leave)`,
    });
  }

  /**
   * With a cluster secret, answer 401 (before the body is read, nothing changed) to a request that
   * does not carry it, and say true; without one, every request passes.
   */
  function refuseWithoutSecret(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
    const verdict = routes.checkSecret?.(req.headers[SECRET_HEADER]) ?? 'ok';
    if (verdict === 'ok') return false;
    // Said once, then every 1,000th time: a misconfigured peer shows up in the log without
    // flooding it.
    if (refused++ % 1000 === 0) log('internal-request-refused', { reason: `${verdict} cluster secret`, from: req.socket.remoteAddress, path: path.slice(0, 100), refused });
    res.setHeader('www-authenticate', 'X-Godist-Cluster-Secret');
    const what = path.startsWith('/internal/') ? '/internal/ requests' : `POST ${path}`;
    closeWith(req, res, 401, {
      error: `${verdict === 'missing' ? 'no' : 'a wrong'} cluster secret: this node takes ${what} only from members of its cluster (header X-Godist-Cluster-Secret)`,
    });
    return true;
  }

  return server;
}

function parsePut(body: unknown, limits: PayloadLimits): { key: string; value: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest(`the body must be a JSON object like {"key":"alpha","value":"first"}, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  }
  const { key, value } = body as { key?: unknown; value?: unknown };
  if (key === undefined) throw new BadRequest('missing "key" (a non-empty string)');
  if (typeof key !== 'string') throw new BadRequest(`"key" must be a string, got ${describeType(key)}`);
  if (value === undefined) throw new BadRequest('missing "value" (a string)');
  if (typeof value !== 'string') throw new BadRequest(`"value" must be a string, got ${describeType(value)} (send numbers as strings, e.g. "17")`);
  const problem = keyProblem(key, limits) ?? valueProblem(value, limits);
  if (problem) throw new BadRequest(problem.message, problem.status);
  return { key, value };
}

function describeType(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`;
}

/** What readJson returns for an empty body when the route takes one. */
const NO_BODY = Symbol('no body');

/**
 * Read and parse a JSON body of at most `limit` bytes; on failure answer 400/413 and return undefined.
 * An empty body is a 400, unless `empty` is given: then it is returned.
 */
async function readJson(req: http.IncomingMessage, res: http.ServerResponse, limit = MAX_BODY_BYTES, empty?: typeof NO_BODY): Promise<unknown> {
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
    if (empty !== undefined) return empty;
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
  closeWith(req, res, 413, { error: `the body is over the ${limit / 1024 / 1024} MiB limit (${size} bytes or more; limit ${limit})` });
}

/** Answer without reading the body, and close the connection. */
function closeWith(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  res.setHeader('connection', 'close');
  send(res, status, body);
  // Discard the rest of the body so the client gets to read the answer rather than a reset, but do not
  // wait for it forever.
  drain(req);
  const timer = setTimeout(() => req.socket.destroy(), 2000);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
}

/** An answer written straight to a socket no request object stands for (a parse error, CONNECT). */
function rawAnswer(socket: Duplex, status: number, reason: string, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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

/** 200 with what `compute` gives, or the status and message of the RequestRefused it throws. */
async function answer(res: http.ServerResponse, compute: () => unknown): Promise<void> {
  let body: unknown;
  try {
    body = await compute();
  } catch (e) {
    if (e instanceof RequestRefused) return send(res, e.status, { error: e.message });
    throw e;
  }
  send(res, 200, body);
}

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
