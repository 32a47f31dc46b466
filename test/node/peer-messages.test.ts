import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BadRequest } from '../../node/bad-request.js';
import { MAX_MEMBERS, MAX_RETIRED, Membership } from '../../node/membership.js';
import {
  MAX_VERSION,
  MAX_VERSION_STEP,
  parseBatch,
  parseElection,
  parseHeartbeat,
  parseLeader,
  parseLeave,
  parseReadAnswer,
  parseReplicaRead,
  parseReplicaWrite,
  parseWriteAnswer,
  versionLeapProblem,
  type KeyRules,
} from '../../node/peer-messages.js';
import { secretChecker, secretProblem } from '../../node/peer-auth.js';
import { parseFlags } from '../../node/flags.js';
import { MAX_RING_KEYS, parseDialRequest, parseLeaveRequest, parseRingRequest } from '../../node/cluster-requests.js';
import { DEFAULT_LIMITS } from '../../node/keys.js';

const rules: KeyRules = {
  checkKey: (k, what) => {
    if (k === '') throw new BadRequest(`${what}: "key" must not be empty`);
  },
  checkValue: () => {},
};
const me = { id: 'node-1', addr: '127.0.0.1:8081' };
const hb = (over: Record<string, unknown> = {}) => ({ from: me, members: [me, { id: 'node-2', addr: '127.0.0.1:8082' }], leader: null, ...over });

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequest);
    return (e as BadRequest).message;
  }
  throw new Error('expected a BadRequest');
}

describe('node-to-node messages are read strictly', () => {
  it('a heartbeat as nodes send it is read whole', () => {
    expect(parseHeartbeat(hb({ leader: 'node-2' }))).toEqual(hb({ leader: 'node-2' }));
  });

  it.each([
    ['null', null, /the body must be a JSON object/],
    ['an array', [], /the body must be a JSON object .*got an array/],
    ['a string', 'hi', /got string "hi"/],
    ['no from', { members: [], leader: null }, /"from": the body must be a JSON object .*got nothing/],
    ['no members', { from: me, leader: null }, /"members" must be an array/],
    ['no leader', { from: me, members: [] }, /"leader" must be a member id/],
    ['an id that does not parse', hb({ from: { id: 'bad id!', addr: '127.0.0.1:1' } }), /"from": "id" must be a member id/],
    ['an address that does not parse', hb({ members: [{ id: 'node-3', addr: 'nowhere' }] }), /"members"\[0\]: "addr" must be HOST:PORT/],
    ['a port out of range', hb({ members: [{ id: 'node-3', addr: '127.0.0.1:70000' }] }), /"addr" must be HOST:PORT/],
    ['an unknown field', hb({ role: 'admin' }), /unknown field "role"/],
    ['a __proto__ field', JSON.parse('{"from":{"id":"node-1","addr":"127.0.0.1:1"},"members":[],"leader":null,"__proto__":{"x":1}}'), /unknown field "__proto__"/],
    ['too many members', hb({ members: Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => ({ id: `fake-${i}`, addr: `127.0.0.1:${1000 + i}` })) }), new RegExp(`lists ${MAX_MEMBERS + 1} members, over the limit of ${MAX_MEMBERS}`)],
  ])('a heartbeat with %s is refused', (_, body, message) => {
    expect(refusal(() => parseHeartbeat(body))).toMatch(message);
  });

  it('a heartbeat may carry the ids of members that left: at most MAX_RETIRED, each a member id, never its sender', () => {
    expect(parseHeartbeat(hb({ left: ['node-4', 'node-5'] }))).toEqual(hb({ left: ['node-4', 'node-5'] }));
    expect(parseHeartbeat(hb({ left: [] }))).toEqual(hb({ left: [] }));
    expect(parseHeartbeat(hb()).left).toBeUndefined();
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `gone-${i}`);
    expect(parseHeartbeat(hb({ left: ids(MAX_RETIRED) })).left).toHaveLength(MAX_RETIRED);
    expect(refusal(() => parseHeartbeat(hb({ left: ids(MAX_RETIRED + 1) })))).toMatch(new RegExp(`"left" lists ${MAX_RETIRED + 1} ids, over the limit of ${MAX_RETIRED}`));
    expect(refusal(() => parseHeartbeat(hb({ left: 'node-4' })))).toMatch(/"left" must be an array of member ids, got string/);
    expect(refusal(() => parseHeartbeat(hb({ left: null })))).toMatch(/"left" must be an array/);
    expect(refusal(() => parseHeartbeat(hb({ left: ['node-4', 'bad id'] })))).toMatch(/"left"\[1\] must be a member id/);
    expect(refusal(() => parseHeartbeat(hb({ left: [7] })))).toMatch(/"left"\[0\] must be a member id/);
    expect(refusal(() => parseHeartbeat(hb({ left: ['node-1'] }), 'join'))).toMatch(/join: "left" names its own sender node-1/);
  });

  it('a leave announcement names the member that leaves, and nothing else', () => {
    expect(parseLeave({ from: me })).toEqual({ from: me });
    expect(refusal(() => parseLeave({}))).toMatch(/leave announcement: "from": the body must be a JSON object/);
    expect(refusal(() => parseLeave({ from: me, left: ['node-2'] }))).toMatch(/leave announcement: unknown field "left"/);
    expect(refusal(() => parseLeave({ from: { id: 'node-1' } }))).toMatch(/"addr" must be HOST:PORT/);
    for (const body of [null, [], 'node-1', { from: null }, { from: { id: 'x y', addr: '127.0.0.1:1' } }]) expect(() => parseLeave(body)).toThrow(BadRequest);
  });

  it('election and leader messages need a sender (and a leader) that parse', () => {
    expect(parseElection({ from: me })).toEqual({ from: me });
    expect(parseLeader({ from: me, leader: 'node-3' })).toEqual({ from: me, leader: 'node-3' });
    for (const body of [null, [], {}, { from: null }, { from: me, extra: 1 }]) expect(() => parseElection(body)).toThrow(BadRequest);
    for (const body of [null, [], { from: me }, { from: me, leader: 7 }, { from: me, leader: '' }]) expect(() => parseLeader(body)).toThrow(BadRequest);
  });

  it('a replica write takes versions from 1 to 2^52 only', () => {
    const w = (version: unknown) => ({ key: 'k', value: 'v', version, writer: 'node-2' });
    expect(parseReplicaWrite(w(1), rules)).toEqual(w(1));
    expect(parseReplicaWrite(w(MAX_VERSION), rules)).toEqual(w(MAX_VERSION));
    for (const v of [0, -1, 1.5, '9', null, MAX_VERSION + 1, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e308]) {
      expect(refusal(() => parseReplicaWrite(w(v), rules))).toMatch(/"version" must be an integer from 1 to 4503599627370496/);
    }
    expect(refusal(() => parseReplicaWrite({ ...w(1), writer: 'x y' }, rules))).toMatch(/"writer" must be a member id/);
    expect(refusal(() => parseReplicaWrite({ key: 'k', value: 'v', version: 1 }, rules))).toMatch(/"writer"/);
    expect(refusal(() => parseReplicaRead({ key: '' }, rules))).toMatch(/"key" must not be empty/);
  });

  it('a version may not leap more than 2^32 above what the replica holds', () => {
    expect(versionLeapProblem(MAX_VERSION_STEP, undefined)).toBeUndefined();
    expect(versionLeapProblem(MAX_VERSION_STEP + 1, undefined)).toMatch(/more than 4294967296 above the version this replica holds \(0\)/);
    expect(versionLeapProblem(MAX_VERSION_STEP + 10, 10)).toBeUndefined();
    expect(versionLeapProblem(5, 1_000_000)).toBeUndefined(); // older writes are the store's business (ignored, acknowledged)
  });

  it('no run of messages, each within the bounds, brings a key to the end of the version space quickly', () => {
    // Every accepted write raises a key by at most MAX_VERSION_STEP: reaching MAX_VERSION takes at least this many.
    expect(Math.ceil(MAX_VERSION / MAX_VERSION_STEP)).toBe(2 ** 20);
  });

  it('a batch is read whole: one bad op refuses it all', () => {
    const read = { op: 'read', body: { key: 'a' } };
    const write = { op: 'write', body: { key: 'a', value: 'v', version: 3, writer: 'node-2' } };
    expect(parseBatch({ ops: [read, write] }, rules)).toEqual([read, write]);
    expect(refusal(() => parseBatch({ ops: [read, { op: 'write', body: { key: 'a' } }] }, rules))).toMatch(/internal write: "value" must be a string/);
    expect(refusal(() => parseBatch({ ops: [] }, rules))).toMatch(/non-empty array/);
    expect(refusal(() => parseBatch({ ops: Array(1025).fill(read) }, rules))).toMatch(/1025 ops is over the limit of 1024/);
    expect(refusal(() => parseBatch(null, rules))).toMatch(/must be a JSON object/);
  });

  it('answers are believed only in the protocol\'s shape and bounds', () => {
    expect(parseReadAnswer({ found: false })).toEqual({ found: false });
    expect(parseReadAnswer({ found: true, value: 'v', version: 2, writer: 'node-1' })).toEqual({ found: true, value: 'v', version: 2, writer: 'node-1' });
    expect(() => parseReadAnswer({ found: false, value: 'v' })).toThrow(BadRequest);
    expect(() => parseReadAnswer({ found: true, value: 'v', version: Number.MAX_SAFE_INTEGER, writer: 'node-1' })).toThrow(BadRequest);
    expect(parseWriteAnswer({ ok: true, version: 2, writer: 'node-1' })).toEqual({ ok: true, version: 2, writer: 'node-1' });
    expect(() => parseWriteAnswer({ ok: 1, version: 2, writer: 'node-1' })).toThrow(BadRequest);
  });

  it('any JSON value is either a message or a BadRequest, never another error (property)', () => {
    const parsers = [
      (b: unknown) => parseHeartbeat(b),
      parseLeave,
      parseElection,
      parseLeader,
      (b: unknown) => parseReplicaRead(b, rules),
      (b: unknown) => parseReplicaWrite(b, rules),
      (b: unknown) => parseBatch(b, rules),
      parseReadAnswer,
      parseWriteAnswer,
      (b: unknown) => parseRingRequest(b, DEFAULT_LIMITS),
      parseDialRequest,
      parseLeaveRequest,
    ];
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(parsers.length - 1), (v, i) => {
        try {
          parsers[i]!(v);
        } catch (e) {
          if (!(e instanceof BadRequest)) throw e;
        }
      }),
      { seed: 13, numRuns: 2000 },
    );
  });
});

describe('the membership routes\' bodies are read strictly', () => {
  it('a dial request is exactly {id, addr}', () => {
    expect(parseDialRequest({ id: 'node-6', addr: '127.0.0.1:40123' })).toEqual({ id: 'node-6', addr: '127.0.0.1:40123' });
    expect(refusal(() => parseDialRequest({ id: 'node-6', addr: 'nowhere' }))).toMatch(/dial request: "addr" must be HOST:PORT, got string "nowhere"/);
    expect(refusal(() => parseDialRequest({ id: 'bad id', addr: '127.0.0.1:1' }))).toMatch(/dial request: "id" must be a member id/);
    expect(refusal(() => parseDialRequest({ id: 'node-6', addr: '127.0.0.1:1', via: 'x' }))).toMatch(/dial request: unknown field "via"/);
    for (const body of [null, [], {}, { id: 'node-6' }, { addr: '127.0.0.1:1' }, 'node-6']) expect(() => parseDialRequest(body)).toThrow(BadRequest);
  });

  it('a leave takes no arguments: no body, or {}', () => {
    expect(() => parseLeaveRequest(undefined)).not.toThrow();
    expect(() => parseLeaveRequest({})).not.toThrow();
    expect(refusal(() => parseLeaveRequest({ now: true }))).toMatch(/leave request: unknown field "now"/);
    for (const body of [null, [], 0, 'x', false]) expect(() => parseLeaveRequest(body)).toThrow(BadRequest);
  });

  it('a ring request is {keys}: at most MAX_RING_KEYS keys, each one the node would take', () => {
    expect(parseRingRequest({ keys: ['k1', 'k 2/é'] }, DEFAULT_LIMITS)).toEqual(['k1', 'k 2/é']);
    expect(parseRingRequest({ keys: [] }, DEFAULT_LIMITS)).toEqual([]);
    const many = (n: number) => ({ keys: Array.from({ length: n }, (_, i) => `k${i}`) });
    expect(parseRingRequest(many(MAX_RING_KEYS), DEFAULT_LIMITS)).toHaveLength(MAX_RING_KEYS);
    expect(refusal(() => parseRingRequest(many(MAX_RING_KEYS + 1), DEFAULT_LIMITS))).toMatch(new RegExp(`at most ${MAX_RING_KEYS} keys at once, got ${MAX_RING_KEYS + 1}`));
    expect(refusal(() => parseRingRequest({ keys: 'k1' }, DEFAULT_LIMITS))).toMatch(/"keys" must be an array of key strings/);
    expect(refusal(() => parseRingRequest({ keys: ['k1', 2] }, DEFAULT_LIMITS))).toMatch(/"keys"\[1\] must be a string/);
    expect(refusal(() => parseRingRequest({ keys: ['..'] }, DEFAULT_LIMITS))).toMatch(/"keys"\[0\]: the key ".." cannot be named in a URL/);
    expect(refusal(() => parseRingRequest({ keys: [], extra: 1 }, DEFAULT_LIMITS))).toMatch(/unknown field "extra"/);
    let status = 0;
    try {
      parseRingRequest({ keys: ['k'.repeat(DEFAULT_LIMITS.maxKeyBytes + 1)] }, DEFAULT_LIMITS);
    } catch (e) {
      status = (e as BadRequest).status;
    }
    expect(status).toBe(413);
  });
});

describe('the member table is bounded', () => {
  it('past MAX_MEMBERS, new members are refused, not added', () => {
    const m = new Membership('node-1', '127.0.0.1:1', { suspectAfterMs: 1000, deadAfterMs: 3000 }, 0, 4);
    expect(m.learn('a', '127.0.0.1:2', 0, 'x')).toMatchObject({ kind: 'joined' });
    expect(m.heard('b', '127.0.0.1:3', 0, 'x')).toMatchObject([{ kind: 'joined' }]);
    expect(m.learn('c', '127.0.0.1:4', 0, 'x')).toMatchObject({ kind: 'joined' });
    expect(m.learn('d', '127.0.0.1:5', 0, 'member list of c')).toEqual({ kind: 'refused', peer: 'd', via: 'member list of c' });
    expect(m.heard('e', '127.0.0.1:6', 0, 'heartbeat from it')).toEqual([{ kind: 'refused', peer: 'e', via: 'heartbeat from it' }]);
    expect(m.ids()).toEqual(['node-1', 'a', 'b', 'c']);
    expect(m.heard('a', '127.0.0.1:2', 10, 'x')).toEqual([]); // known members are still heard
  });

  it('past MAX_RETIRED retired ids, the oldest is forgotten: the table of departures cannot grow without end', () => {
    const m = new Membership('node-1', '127.0.0.1:1', { suspectAfterMs: 1000, deadAfterMs: 3000 }, 0, 8, 3);
    m.learn('a', '127.0.0.1:2', 0, 'x');
    expect(m.retire('a', 'its announcement')).toMatchObject({ kind: 'left', peer: 'a' });
    for (const id of ['b', 'c']) m.retire(id, 'left list of x');
    expect(m.retiredIds()).toEqual(['a', 'b', 'c']);
    m.retire('d', 'left list of x');
    expect(m.retiredIds()).toEqual(['b', 'c', 'd']);
    expect(m.isRetired('a')).toBe(false);
    expect(MAX_RETIRED).toBe(256);
    const full = new Membership('node-1', '127.0.0.1:1', { suspectAfterMs: 1000, deadAfterMs: 3000 }, 0);
    for (let i = 0; i < 10_000; i++) full.retire(`gone-${i}`, 'left list of x');
    expect(full.retiredIds()).toHaveLength(MAX_RETIRED);
    expect(full.isRetired('gone-9999')).toBe(true);
    expect(full.isRetired('gone-0')).toBe(false);
  });
});

describe('the cluster secret', () => {
  it('matches only the exact secret', () => {
    const check = secretChecker('0123456789abcdef0123');
    expect(check('0123456789abcdef0123')).toBe('ok');
    expect(check(undefined)).toBe('missing');
    expect(check('')).toBe('missing');
    expect(check('0123456789abcdef012')).toBe('wrong');
    expect(check('0123456789abcdef01234')).toBe('wrong');
    expect(check(['0123456789abcdef0123', '0123456789abcdef0123'])).toBe('wrong');
  });

  it('comes from --cluster-secret, else GODIST_CLUSTER_SECRET; neither: open', () => {
    const base = ['--id', 'node-1', '--addr', '127.0.0.1:8081'];
    const config = (args: string[], env: Record<string, string> = {}) => {
      const r = parseFlags([...base, ...args], env);
      return r.kind === 'config' ? r.config.clusterSecret : r.problems.join('; ');
    };
    expect(config([])).toBeNull();
    expect(config(['--cluster-secret', 'flag-secret-0123456789'], { GODIST_CLUSTER_SECRET: 'env-secret-0123456789' })).toBe('flag-secret-0123456789');
    expect(config([], { GODIST_CLUSTER_SECRET: 'env-secret-0123456789' })).toBe('env-secret-0123456789');
    expect(config([], { GODIST_CLUSTER_SECRET: '' })).toMatch(/^the environment variable GODIST_CLUSTER_SECRET is set but empty/);
    expect(config(['--cluster-secret', 'short'])).toBe('--cluster-secret is 5 characters long; give 16 to 256 (e.g. the output of: openssl rand -hex 16)');
    expect(secretProblem('with a space in it!!', '--cluster-secret')).toMatch(/spaces or characters outside printable ASCII/);
  });
});
