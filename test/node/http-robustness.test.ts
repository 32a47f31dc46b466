import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Processes, freePort, get, put, request, type NodeProcess } from './processes.js';

/** One single-replica node (N = R = W = 1) takes every kind of bad input and must keep serving. */
const procs = new Processes();
let node: NodeProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  node = await procs.start('node-1', port, ['-N', '1', '-R', '1', '-W', '1']);
  expect((await put(port, 'keep', 'me')).status).toBe(200);
});

afterAll(async () => {
  await procs.killAll();
});

function raw(data: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (out += c));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', (e) => (out ? resolve(out) : reject(e)));
    s.setTimeout(3000, () => s.destroy());
    s.end(data);
  });
}

describe('bad input gets a 4xx with a JSON error and the node keeps serving', () => {
  it.each([
    ['malformed JSON', '{"key": "a", "value": ', 400, /not valid JSON/],
    ['an empty body', '', 400, /empty body/],
    ['a JSON array', '["a","b"]', 400, /must be a JSON object/],
    ['JSON null', 'null', 400, /must be a JSON object/],
    ['a missing key', '{"value":"x"}', 400, /missing "key"/],
    ['a numeric key', '{"key":1,"value":"x"}', 400, /"key" must be a string, got number 1/],
    ['an empty key', '{"key":"","value":"x"}', 400, /"key" must not be empty/],
    ['a missing value', '{"key":"a"}', 400, /missing "value"/],
    ['a numeric value', '{"key":"a","value":17}', 400, /"value" must be a string, got number 17 \(send numbers as strings/],
    ['an object value', '{"key":"a","value":{"x":1}}', 400, /"value" must be a string, got an object/],
  ])('put with %s → %d', async (_, body, status, message) => {
    const r = await request(port, 'POST', '/kv/put', body);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.error).toMatch(message);
  });

  it('a body over 1 MiB → 413 (declared length)', async () => {
    const r = await request(port, 'POST', '/kv/put', JSON.stringify({ key: 'big', value: 'x'.repeat(1024 * 1024 + 10) }));
    expect(r.status).toBe(413);
    expect(r.json.error).toMatch(/over the 1 MiB limit/);
  });

  it('a chunked body over 1 MiB → 413 (no declared length)', async () => {
    const head = 'POST /kv/put HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    const chunk = 'x'.repeat(256 * 1024);
    let body = '';
    for (let i = 0; i < 5; i++) body += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const answer = await raw(head + body + '0\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 413/);
    expect(answer).toContain('over the 1 MiB limit');
  });

  it('a value just under 1 MiB is stored and read back whole', async () => {
    const value = 'y'.repeat(1024 * 1024 - 40);
    expect((await put(port, 'large', value)).status).toBe(200);
    const r = await get(port, 'large');
    expect(r.status).toBe(200);
    expect(r.json.value.length).toBe(value.length);
  });

  it('an unknown route → 404, a wrong method → 405 with Allow', async () => {
    const r = await request(port, 'GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatch(/no route GET \/nope/);
    const m = await request(port, 'GET', '/kv/put');
    expect(m.status).toBe(405);
    expect(m.headers.allow).toBe('POST');
    expect(m.json.error).toMatch(/GET is not allowed on \/kv\/put \(use POST\)/);
    const d = await request(port, 'DELETE', '/kv/get/keep');
    expect(d.status).toBe(405);
    const i = await request(port, 'GET', '/internal/write');
    expect(i.status).toBe(405);
    const u = await request(port, 'POST', '/internal/nothing', '{}');
    expect(u.status).toBe(404);
  });

  it('a get with a missing or badly encoded key → 400', async () => {
    expect((await request(port, 'GET', '/kv/get/')).status).toBe(400);
    const bad = await request(port, 'GET', '/kv/get/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/not valid URL encoding/);
  });

  it('keys are URL-decoded: spaces, slashes and unicode round-trip', async () => {
    for (const key of ['with space', 'a/b/c', 'ключ', '%41', 'q?x=1']) {
      expect((await put(port, key, `v-${key}`)).status).toBe(200);
      const r = await get(port, key);
      expect(r.status, key).toBe(200);
      expect(r.json).toMatchObject({ key, value: `v-${key}` });
    }
  });

  it('a missing key → 404 "not found" with the trace', async () => {
    const r = await get(port, 'never-written');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: 'not found', replies: 1, coordinator: 'node-1', replicaSet: ['node-1'] });
  });

  it('malformed internal messages → 400, not a crash', async () => {
    for (const [path, body] of [
      ['/internal/write', '{"key":"keep","value":"evil","version":"9","writer":"x"}'],
      ['/internal/write', '{"key":"keep"}'],
      ['/internal/read', '{}'],
      ['/internal/batch', '{"ops":5}'],
      ['/internal/heartbeat', 'nope'],
    ] as const) {
      const r = await request(port, 'POST', path, body);
      expect(r.status, `${path} ${body}`).toBe(400);
    }
    // Not a heartbeat: refused whole, nothing learned from it.
    const hb = await request(port, 'POST', '/internal/heartbeat', '{"from":{"id":"bad id!","addr":3},"members":"x"}');
    expect(hb.status).toBe(400);
    expect(hb.json.error).toMatch(/heartbeat: "from": "addr" must be HOST:PORT/);
    // A batch with one op that is not an op is refused whole; a good batch is answered op by op.
    const bad = await request(port, 'POST', '/internal/batch', '{"ops":[{"op":"drop-tables"},{"op":"read","body":{"key":"keep"}}]}');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('internal batch: op 0: "op" must be "read" or "write", got string "drop-tables"');
    const batch = await request(port, 'POST', '/internal/batch', '{"ops":[{"op":"read","body":{"key":"keep"}}]}');
    expect(batch.json.results[0]).toMatchObject({ ok: true, value: { found: true, value: 'me' } });
  });

  it('garbage that is not HTTP at all gets a 400 and a closed connection', async () => {
    const answer = await raw('\x00\x01GARBAGE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400/);
  });

  it('after all that the node still serves and lost no key', async () => {
    const h = await request(port, 'GET', '/health');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ ok: true });
    const r = await get(port, 'keep');
    expect(r.json).toMatchObject({ value: 'me', version: 1 });
    expect(node.alive).toBe(true);
    expect(node.stderr).toBe('');
    expect(node.eventsOf('failed')).toEqual([]);
  });
});
