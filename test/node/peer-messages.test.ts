import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BadRequest } from '../../node/bad-request.js';
import { MAX_MEMBERS, Membership } from '../../node/membership.js';
import {
  MAX_VERSION,
  MAX_VERSION_STEP,
  parseBatch,
  parseElection,
  parseHeartbeat,
  parseLeader,
  parseReadAnswer,
  parseReplicaRead,
  parseReplicaWrite,
  parseWriteAnswer,
  versionLeapProblem,
  type KeyRules,
} from '../../node/peer-messages.js';
import { secretChecker, secretProblem } from '../../node/peer-auth.js';
import { parseFlags } from '../../node/flags.js';

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
      parseElection,
      parseLeader,
      (b: unknown) => parseReplicaRead(b, rules),
      (b: unknown) => parseReplicaWrite(b, rules),
      (b: unknown) => parseBatch(b, rules),
      parseReadAnswer,
      parseWriteAnswer,
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
