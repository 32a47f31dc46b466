/**
 * Malformed and hostile requests for the node's HTTP fuzz test, each malformed by construction: every
 * one must be answered with a 4xx and a JSON error, and none may change anything. Generated from a
 * seed with fast-check, so a run can be repeated exactly.
 */
import fc from 'fast-check';

export interface HostileRequest {
  /** What kind of attack, for the figures. */
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The status this request must get, when one is certain (401 without the secret); else any 4xx. */
  status?: number;
}

/** A raw byte stream that is not a well-formed HTTP request. */
export interface RawGarbage {
  what: string;
  bytes: Buffer;
}

export const SECRET_HEADER = 'X-Godist-Cluster-Secret';

const fuzzer = { id: 'fuzz-1', addr: '127.0.0.1:1' };
const invalidIds: unknown[] = ['', 'bad id', '-x', '.x', 'x'.repeat(65), 'a/b', 'é', 7, null, [], {}, true];
const invalidAddrs: unknown[] = ['', 'nowhere', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', ':80', 'a b:1', 'http://127.0.0.1:1', 9, null, {}];
const invalidVersions: unknown[] = [0, -1, 1.5, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e308, '1', null, true, [], {}];
const invalidKeys: unknown[] = ['', '.', '..', 'a\ud800', '\udc00b', 'k'.repeat(1025), 'é'.repeat(600), 3, null, [], {}];
const nonStrings: unknown[] = [1, -1, 0.5, true, false, null, [], ['v'], { v: 1 }];
const notObjects: unknown[] = [null, [], [1, 2], 'x', 7, true];

function members(n: number): { id: string; addr: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `made-up-${i}`, addr: `127.0.0.1:${1024 + (i % 60000)}` }));
}

/** A valid message of each internal kind, and the ways to break it. */
const validBodies: Record<string, () => Record<string, unknown>> = {
  heartbeat: () => ({ from: fuzzer, members: members(2), leader: null }),
  join: () => ({ from: fuzzer, members: [], leader: null }),
  leave: () => ({ from: fuzzer }),
  election: () => ({ from: fuzzer }),
  leader: () => ({ from: fuzzer, leader: 'fuzz-1' }),
  read: () => ({ key: 'alpha' }),
  write: () => ({ key: 'alpha', value: 'evil', version: 2, writer: 'fuzz-1' }),
  batch: () => ({ ops: [{ op: 'read', body: { key: 'alpha' } }] }),
};

const invalidFor: Record<string, unknown[]> = {
  from: [...notObjects, { id: 'fuzz-1' }, { addr: '127.0.0.1:1' }, ...invalidIds.map((id) => ({ id, addr: '127.0.0.1:1' })), ...invalidAddrs.map((addr) => ({ id: 'fuzz-1', addr })), { id: 'fuzz-1', addr: '127.0.0.1:1', role: 'admin' }],
  members: ['x', 5, null, {}, [null], [{ id: 'ok-1' }], ...invalidIds.map((id) => [{ id, addr: '127.0.0.1:1' }]), ...invalidAddrs.map((addr) => [{ id: 'ok-1', addr }]), members(257), members(2000)],
  leader: invalidIds.filter((x) => x !== null),
  // A heartbeat's retired ids: not a list, ids that do not parse, over the limit of 256, or its own sender.
  left: ['x', 5, null, {}, [null], ...invalidIds.map((id) => [id]), Array.from({ length: 257 }, (_, i) => `gone-${i}`), Array.from({ length: 5000 }, (_, i) => `gone-${i}`), ['fuzz-1']],
  key: invalidKeys,
  value: nonStrings,
  version: invalidVersions,
  writer: invalidIds,
  ops: ['x', 5, null, {}, [], Array(1025).fill({ op: 'read', body: { key: 'a' } }), [{ op: 'drop' }], [{ op: 'read' }], [{ op: 'write', body: { key: 'a' } }], [{ op: 'read', body: { key: 'a' } }, { op: 'write', body: { key: 'a', value: 'v', version: 0, writer: 'x' } }], [{ op: 'read', body: { key: 'a' }, extra: 1 }]],
};

/** One way to make a valid internal message invalid. */
const brokenInternal = fc.oneof(
  // A field set to a value it cannot hold.
  fc.constantFrom(...Object.keys(validBodies)).chain((route) => {
    const fields = Object.keys(validBodies[route]!());
    return fc.record({ route: fc.constant(route), field: fc.constantFrom(...fields), pick: fc.nat() }).map(({ route, field, pick }) => {
      const body = validBodies[route]!();
      const bad = invalidFor[field]!;
      body[field] = bad[pick % bad.length];
      return { route, body: JSON.stringify(body), what: `${route}: bad ${field}` };
    });
  }),
  // A field missing, or one too many.
  fc.constantFrom(...Object.keys(validBodies)).chain((route) =>
    fc.record({ route: fc.constant(route), drop: fc.boolean(), pick: fc.nat() }).map(({ route, drop, pick }) => {
      const body = validBodies[route]!();
      const fields = Object.keys(body);
      if (drop) delete body[fields[pick % fields.length]!];
      // An own property, so that `__proto__` is sent as a field rather than setting the prototype.
      else Object.defineProperty(body, ['__proto__', 'admin', 'x', 'constructor'][pick % 4]!, { value: 1, enumerable: true });
      return { route, body: JSON.stringify(body), what: `${route}: ${drop ? 'missing field' : 'unknown field'}` };
    }),
  ),
  // A heartbeat or join whose retired ids are broken (a heartbeat without them is valid, so they are
  // never the field left out above).
  fc.record({ route: fc.constantFrom('heartbeat', 'join'), pick: fc.nat() }).map(({ route, pick }) => {
    const body = { ...validBodies[route]!(), left: invalidFor.left![pick % invalidFor.left!.length] };
    return { route, body: JSON.stringify(body), what: `${route}: bad left` };
  }),
  // A version far above what the replica holds: the shape is right, the leap is refused.
  fc.integer({ min: 2 ** 32 + 2, max: 2 ** 52 }).map((version) => ({ route: 'write', body: JSON.stringify({ key: 'alpha', value: 'evil', version, writer: 'fuzz-1' }), what: 'write: version leap' })),
  // Not a message at all.
  fc.record({ route: fc.constantFrom(...Object.keys(validBodies)), body: fc.oneof(fc.constantFrom('null', '[]', '{}', '""', '0', 'true', '', ' ', 'nope', '{"from":', '[[[[[[[['), fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v) ?? 'null')) }).map((r) => ({ ...r, what: `${r.route}: not a message` })),
);

const badPutBody = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => ({ body: s, what: 'put: random text' })),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => !(typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).key === 'string' && typeof (v as Record<string, unknown>).value === 'string')).map((v) => ({ body: JSON.stringify(v) ?? 'null', what: 'put: JSON that is not a put' })),
  fc.record({ key: fc.constantFrom(...invalidKeys), value: fc.constantFrom('v', ...nonStrings) }).map((kv) => ({ body: JSON.stringify(kv), what: 'put: bad key or value' })),
  fc.constantFrom(...nonStrings).map((value) => ({ body: JSON.stringify({ key: 'k', value }), what: 'put: non-string value' })),
  fc.constant({ body: JSON.stringify({ key: 'k', value: 'x'.repeat(1024 * 1024 + 1) }), what: 'put: body over 1 MiB' }),
);

const badGetPath = fc.oneof(
  fc.constantFrom('/kv/get/', '/kv/get', '/kv/get/%', '/kv/get/%zz', '/kv/get/%E0%A4%A', '/kv/get/%ED%A0%80', '/kv/get/%C0%AF', `/kv/get/${'k'.repeat(1025)}`, `/kv/get/${'%C3%A9'.repeat(600)}`).map((path) => ({ path, what: 'get: bad key' })),
  fc.stringMatching(/^%[0-9A-Fa-f]?[G-Zg-z%]?$/).map((s) => ({ path: `/kv/get/a${s}`, what: 'get: bad encoding' })),
);

/**
 * Malformed bodies for the membership routes, none of which may change anything: a dial address that
 * does not parse (a valid one would redirect the node's traffic), a leave with arguments (a leave
 * with no body or {} is valid and would take the node out), a ring request that is not {"keys"}.
 */
const badDialBody = fc.oneof(
  fc.constantFrom(...notObjects, {}, { id: 'node-2' }, { addr: '127.0.0.1:1' }, { id: 'node-2', addr: '127.0.0.1:1', via: 'x' }),
  fc.constantFrom(...invalidIds).map((id) => ({ id, addr: '127.0.0.1:1' })),
  fc.constantFrom(...invalidAddrs).map((addr) => ({ id: 'node-2', addr })),
);
const badLeaveBody = fc.constantFrom<unknown>(...notObjects, { now: true }, { from: fuzzer }, { id: 'node-1' }, 0, false);
const badRingBody = fc.oneof(
  fc.constantFrom<unknown>(...notObjects, {}, { keys: 'k1' }, { keys: null }, { keys: {} }, { keys: [], extra: 1 }, { key: ['k1'] }, { keys: Array.from({ length: 10_001 }, (_, i) => `k${i}`) }),
  fc.constantFrom(...invalidKeys).map((k) => ({ keys: ['k1', k] })),
);
const badMembershipRoute = fc.oneof(
  badDialBody.map((b) => ({ path: '/cluster/dial', body: JSON.stringify(b), what: 'dial: malformed', guarded: true })),
  badLeaveBody.map((b) => ({ path: '/cluster/leave', body: JSON.stringify(b), what: 'leave: with arguments', guarded: true })),
  fc
    .record({ path: fc.constantFrom('/cluster/dial', '/cluster/leave'), body: fc.constantFrom('nope', '{"id":', '[[[[', '"', '{}}') })
    .map(({ path, body }) => ({ path, body, what: 'membership route: not JSON', guarded: true })),
  badRingBody.map((b) => ({ path: '/cluster/ring', body: JSON.stringify(b), what: 'ring: malformed', guarded: false })),
);

/**
 * `count` hostile requests against a node. With `secret`, internal requests carry it (so that their
 * bodies are read) but one in four goes without it or with a wrong one (401); without, they carry none.
 */
export function hostileRequests(count: number, seed: number, secret: string | undefined): HostileRequest[] {
  const json = { 'content-type': 'application/json' };
  const internal = fc.record({ broken: brokenInternal, auth: fc.nat(3) }).map(({ broken, auth }): HostileRequest => {
    const path = `/internal/${broken.route}`;
    if (secret && auth === 0) return { what: 'internal: no secret', method: 'POST', path, headers: json, body: broken.body, status: 401 };
    if (secret && auth === 1) return { what: 'internal: wrong secret', method: 'POST', path, headers: { ...json, [SECRET_HEADER]: `${secret}x` }, body: broken.body, status: 401 };
    return { what: `internal ${broken.what}`, method: 'POST', path, headers: secret ? { ...json, [SECRET_HEADER]: secret } : json, body: broken.body };
  });
  // The membership routes that change a node need the secret like /internal/ (the ring is open).
  const membership = fc.record({ bad: badMembershipRoute, auth: fc.nat(3) }).map(({ bad, auth }): HostileRequest => {
    if (secret && bad.guarded && auth === 0) return { what: 'membership route: no secret', method: 'POST', path: bad.path, headers: json, body: bad.body, status: 401 };
    if (secret && bad.guarded && auth === 1) return { what: 'membership route: wrong secret', method: 'POST', path: bad.path, headers: { ...json, [SECRET_HEADER]: `x${secret}` }, body: bad.body, status: 401 };
    return { what: bad.what, method: 'POST', path: bad.path, headers: secret ? { ...json, [SECRET_HEADER]: secret } : json, body: bad.body };
  });
  const request: fc.Arbitrary<HostileRequest> = fc.oneof(
    { weight: 4, arbitrary: internal },
    { weight: 2, arbitrary: membership },
    { weight: 3, arbitrary: badPutBody.filter((b) => b.what !== 'put: body over 1 MiB').map((b): HostileRequest => ({ what: b.what, method: 'POST', path: '/kv/put', headers: json, body: b.body })) },
    { weight: 2, arbitrary: badGetPath.map((g): HostileRequest => ({ what: g.what, method: 'GET', path: g.path, headers: {} })) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST', 'GET'),
          path: fc.constantFrom('/kv/put', '/kv/get/a', '/health', '/cluster/status', '/internal/read', '/', '/admin', '/kv', '/internal/', '/cluster/ring', '/cluster/dial', '/cluster/leave', '/cluster/'),
        })
        // Left out: the requests that are valid without a body (a bodiless POST /cluster/leave is a leave).
        .filter(({ method, path }) => !((method === 'POST' && ['/kv/put', '/internal/read', '/cluster/leave'].includes(path)) || (method === 'GET' && ['/kv/get/a', '/health', '/cluster/status', '/cluster/ring'].includes(path))))
        .map(({ method, path }): HostileRequest => ({ what: 'wrong method or route', method, path, headers: secret ? { [SECRET_HEADER]: secret } : {} })),
    },
  );
  const out = fc.sample(request, { seed, numRuns: count });
  // A few bodies over the limit (each costs a megabyte on the wire).
  for (let i = 0; i < Math.min(10, Math.ceil(count / 1000)); i++) {
    out[(i * 997) % out.length] = { what: 'put: body over 1 MiB', method: 'POST', path: '/kv/put', headers: json, body: JSON.stringify({ key: 'k', value: 'x'.repeat(1024 * 1024 + 1) }), status: 413 };
  }
  return out;
}

export function rawGarbage(count: number, seed: number): RawGarbage[] {
  const arb = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => ({ what: 'raw: random bytes', bytes: Buffer.concat([Buffer.from(b), Buffer.from('\r\n\r\n')]) })),
    fc.constantFrom(
      'GET /health HTTP/1.1\r\nHost\r\n\r\n',
      'POST /kv/put HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
      'POST /kv/put HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET /health HTTP/9.9\r\n\r\n',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\n\r\n`,
      `GET /health HTTP/1.1\r\nX: ${'b'.repeat(20_000)}\r\n\r\n`,
      'G\x00T / HTTP/1.1\r\n\r\n',
      'POST /kv/put HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST /kv/put HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\n{}',
      'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
    ).map((s) => ({ what: 'raw: broken HTTP', bytes: Buffer.from(s, 'latin1') })),
  );
  return fc.sample(arb, { seed, numRuns: count });
}
