import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_LIMITS, keyProblem, valueProblem } from '../../node/keys.js';
import { Processes, freePort, get, put, request } from './processes.js';

/** What a client that encodes the key with encodeURIComponent and sends it with fetch/curl lets the node read back. */
function nameableByGet(key: string): boolean {
  let encoded: string;
  try {
    encoded = encodeURIComponent(key);
  } catch {
    return false; // a lone surrogate has no UTF-8 form
  }
  const path = new URL(`http://127.0.0.1/kv/get/${encoded}`).pathname; // what the client sends
  if (!path.startsWith('/kv/get/')) return false;
  try {
    return decodeURIComponent(path.slice('/kv/get/'.length)) === key;
  } catch {
    return false;
  }
}

const wide = { maxKeyBytes: 1 << 20, maxValueBytes: 1 << 20 };
/** Strings of any UTF-16 code units (lone surrogates included), and the path-like ones. */
const anyKey = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 12 }).map((units) => String.fromCharCode(...units)),
  fc.array(fc.constantFrom('.', '/', '%', '2', 'e', '?', '#', '\\', ' ', '\ud800', '\udc00', 'a'), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
);

describe('keys a node takes', () => {
  it('are exactly the non-empty keys that GET /kv/get/:key can name (property, against the WHATWG URL parser)', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        expect(keyProblem(key, wide) === undefined).toBe(nameableByGet(key));
      }),
      { seed: 42, numRuns: 5000 },
    );
  });

  it('say what is wrong: a lone surrogate, a path step, the size limit', () => {
    expect(keyProblem('ab\ud800c', DEFAULT_LIMITS)).toEqual({ status: 400, message: 'the key holds a lone UTF-16 surrogate (U+D800 at position 2), which no URL can name; use well-formed Unicode' });
    expect(keyProblem('\udc00', DEFAULT_LIMITS)?.status).toBe(400);
    expect(keyProblem('😀', DEFAULT_LIMITS)).toBeUndefined(); // a surrogate pair is fine
    expect(keyProblem('..', DEFAULT_LIMITS)?.message).toMatch(/cannot be named in a URL/);
    expect(keyProblem('x'.repeat(1024), DEFAULT_LIMITS)).toBeUndefined();
    expect(keyProblem('x'.repeat(1025), DEFAULT_LIMITS)).toEqual({ status: 413, message: 'the key is 1025 bytes, over the limit of 1024 bytes (--max-key-bytes)' });
    expect(keyProblem('é'.repeat(513), DEFAULT_LIMITS)?.message).toMatch(/the key is 1026 bytes/); // counted in UTF-8
    expect(valueProblem('v'.repeat(10), { maxKeyBytes: 1, maxValueBytes: 10 })).toBeUndefined();
    expect(valueProblem('ü'.repeat(6), { maxKeyBytes: 1, maxValueBytes: 10 })).toEqual({ status: 413, message: 'the value is 12 bytes, over the limit of 10 bytes (--max-value-bytes)' });
  });
});

describe('a node with small limits', () => {
  const procs = new Processes();
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    await procs.start('node-1', port, ['-N', '1', '-R', '1', '-W', '1', '--max-key-bytes', '16', '--max-value-bytes', '32']);
  });
  afterAll(() => procs.killAll());

  it('refuses keys and values over the limits with 413 naming the limit, and keys no URL can name with 400', async () => {
    const cases: [string, number, RegExp][] = [
      ['{"key":"k2345678901234567","value":"v"}', 413, /the key is 17 bytes, over the limit of 16 bytes \(--max-key-bytes\)/],
      ['{"key":"k","value":"123456789012345678901234567890123"}', 413, /the value is 33 bytes, over the limit of 32 bytes \(--max-value-bytes\)/],
      ['{"key":"a\\ud800","value":"v"}', 400, /lone UTF-16 surrogate \(U\+D800 at position 1\)/],
      ['{"key":"..","value":"v"}', 400, /cannot be named in a URL/],
    ];
    for (const [body, status, message] of cases) {
      const r = await request(port, 'POST', '/kv/put', body);
      expect(r.status, body).toBe(status);
      expect(r.json.error).toMatch(message);
    }
    const internal = await request(port, 'POST', '/internal/write', JSON.stringify({ key: 'k'.repeat(17), value: 'v', version: 1, writer: 'node-2' }));
    expect(internal.status).toBe(413);
    expect(internal.json.error).toMatch(/internal write: the key is 17 bytes/);
  });

  it('a get of a key over the limit is 414; keys at the limits round-trip', async () => {
    const long = await get(port, 'k'.repeat(17));
    expect(long.status).toBe(414);
    expect(long.json.error).toMatch(/over the limit of 16 bytes/);
    for (const key of ['k'.repeat(16), 'a/b?c#d%e f', '.a', '...', 'é😀']) {
      expect((await put(port, key, 'v'.repeat(32))).status, key).toBe(200);
      expect((await get(port, key)).json, key).toMatchObject({ key, value: 'v'.repeat(32) });
    }
    expect((await status()).config).toMatchObject({ maxKeyBytes: 16, maxValueBytes: 32 });
  });

  async function status() {
    return (await request(port, 'GET', '/cluster/status')).json as { config: Record<string, unknown> };
  }
});
