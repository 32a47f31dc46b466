/**
 * The node-to-node messages, read strictly. Pure: every function takes a parsed JSON body and returns
 * the message it holds, or throws BadRequest (400) saying what is wrong. A body that is not exactly a
 * message of its kind (a missing or unknown field, an id or address that does not parse, a version out
 * of bounds, a member list too long) is refused whole: nothing is learned from it and nothing changes.
 *
 * What a node believes from a peer is what these shapes can say, within these bounds; see
 * docs/node.md ("What a node trusts from a peer").
 */
import { BadRequest } from './bad-request.js';
import { parseAddr } from './flags.js';
import { ID_PATTERN } from './ids.js';
import { MAX_MEMBERS, MAX_RETIRED } from './membership.js';
/**
 * Versions are integers from 1 to MAX_VERSION (2^52, far below the last safe integer, so that
 * `version + 1` is always exact). At a million puts a second to one key that is 142 years.
 */
export const MAX_VERSION = 2 ** 52;
/**
 * A replica refuses a write that would raise a key's version by more than this above what it holds:
 * no single message can push a key to the end of the version space. A replica that missed 4 billion
 * writes to one key would refuse to catch up; that does not happen in practice.
 */
export const MAX_VERSION_STEP = 2 ** 32;
/** The most operations one /internal/batch may carry. */
export const MAX_BATCH_OPS = 1024;

export interface MemberRef {
  id: string;
  addr: string;
}

/** Body of /internal/heartbeat and /internal/join, and of their answers. */
export interface HeartbeatMessage {
  from: MemberRef;
  members: MemberRef[];
  leader: string | null;
  /** Members that left for good (absent while none has): a member that missed a leave learns it here. */
  left?: string[];
}

/** Body of /internal/leave: the sender leaves the cluster for good. */
export interface LeaveMessage {
  from: MemberRef;
}

export interface ReplicaReadMessage {
  key: string;
}

export interface ReplicaWriteMessage {
  key: string;
  value: string;
  version: number;
  writer: string;
}

export type BatchOp = 'read' | 'write';
export type BatchItem = { op: 'read'; body: ReplicaReadMessage } | { op: 'write'; body: ReplicaWriteMessage };

/** Checks a key (and, for writes, a value) beyond being a string: its size and form. Throw BadRequest. */
export interface KeyRules {
  checkKey(key: string, what: string): void;
  checkValue(value: string, what: string): void;
}

export function parseHeartbeat(body: unknown, what = 'heartbeat'): HeartbeatMessage {
  const o = fields(body, what, ['from', 'members', 'leader', 'left'], '{"from":{"id","addr"},"members":[{"id","addr"},…],"leader":id|null[,"left":[id,…]]}');
  const from = memberRef(o.from, `${what}: "from"`);
  if (!Array.isArray(o.members)) throw new BadRequest(`${what}: "members" must be an array of {"id","addr"}, got ${describe(o.members)}`);
  if (o.members.length > MAX_MEMBERS) throw new BadRequest(`${what}: "members" lists ${o.members.length} members, over the limit of ${MAX_MEMBERS}`);
  const members = o.members.map((m, i) => memberRef(m, `${what}: "members"[${i}]`));
  const msg: HeartbeatMessage = { from, members, leader: o.leader === null ? null : memberId(o.leader, `${what}: "leader"`) };
  if (o.left === undefined) return msg;
  if (!Array.isArray(o.left)) throw new BadRequest(`${what}: "left" must be an array of member ids, got ${describe(o.left)}`);
  if (o.left.length > MAX_RETIRED) throw new BadRequest(`${what}: "left" lists ${o.left.length} ids, over the limit of ${MAX_RETIRED}`);
  const left = o.left.map((x, i) => memberId(x, `${what}: "left"[${i}]`));
  if (left.includes(from.id)) throw new BadRequest(`${what}: "left" names its own sender ${from.id}; a member that leaves says so on /internal/leave`);
  return { ...msg, left };
}

export function parseLeave(body: unknown): LeaveMessage {
  const o = fields(body, 'leave announcement', ['from'], '{"from":{"id","addr"}}');
  return { from: memberRef(o.from, 'leave announcement: "from"') };
}

export function parseElection(body: unknown): { from: MemberRef } {
  const o = fields(body, 'election message', ['from'], '{"from":{"id","addr"}}');
  return { from: memberRef(o.from, 'election message: "from"') };
}

export function parseLeader(body: unknown): { from: MemberRef; leader: string } {
  const o = fields(body, 'leader announcement', ['from', 'leader'], '{"from":{"id","addr"},"leader":id}');
  return { from: memberRef(o.from, 'leader announcement: "from"'), leader: memberId(o.leader, 'leader announcement: "leader"') };
}

export function parseReplicaRead(body: unknown, rules: KeyRules): ReplicaReadMessage {
  const o = fields(body, 'internal read', ['key'], '{"key"}');
  return { key: key(o.key, rules, 'internal read') };
}

export function parseReplicaWrite(body: unknown, rules: KeyRules): ReplicaWriteMessage {
  const what = 'internal write';
  const o = fields(body, what, ['key', 'value', 'version', 'writer'], '{"key","value","version","writer"}');
  const k = key(o.key, rules, what);
  if (typeof o.value !== 'string') throw new BadRequest(`${what}: "value" must be a string, got ${describe(o.value)}`);
  rules.checkValue(o.value, what);
  return { key: k, value: o.value, version: version(o.version, `${what}: "version"`), writer: memberId(o.writer, `${what}: "writer"`) };
}

export function parseBatch(body: unknown, rules: KeyRules): BatchItem[] {
  const o = fields(body, 'internal batch', ['ops'], '{"ops":[{"op":"read"|"write","body":{…}},…]}');
  if (!Array.isArray(o.ops) || o.ops.length === 0) throw new BadRequest(`internal batch: "ops" must be a non-empty array, got ${describe(o.ops)}`);
  if (o.ops.length > MAX_BATCH_OPS) throw new BadRequest(`internal batch of ${o.ops.length} ops is over the limit of ${MAX_BATCH_OPS}`);
  return o.ops.map((item, i): BatchItem => {
    const it = fields(item, `internal batch: op ${i}`, ['op', 'body'], '{"op":"read"|"write","body":{…}}');
    if (it.op === 'read') return { op: 'read', body: parseReplicaRead(it.body, rules) };
    if (it.op === 'write') return { op: 'write', body: parseReplicaWrite(it.body, rules) };
    throw new BadRequest(`internal batch: op ${i}: "op" must be "read" or "write", got ${describe(it.op)}`);
  });
}

/**
 * Would a replica holding `held` (undefined: nothing) store `incoming` without its key's version
 * leaping past what any honest coordinator would choose? Undefined when it may.
 */
export function versionLeapProblem(incoming: number, held: number | undefined): string | undefined {
  const base = held ?? 0;
  if (incoming - base <= MAX_VERSION_STEP) return undefined;
  return `version ${incoming} is more than ${MAX_VERSION_STEP} above the version this replica holds (${base}); refused`;
}

/** An answer to /internal/read, as a coordinator reads it. */
export function parseReadAnswer(body: unknown): { found: false } | { found: true; value: string; version: number; writer: string } {
  const o = fields(body, 'read answer', ['found', 'value', 'version', 'writer'], '{"found":false} or {"found":true,"value","version","writer"}');
  if (o.found === false && Object.keys(o).length === 1) return { found: false };
  if (o.found !== true) throw new BadRequest(`read answer: "found" must be true or false (and alone when false), got ${describe(o.found)}`);
  if (typeof o.value !== 'string') throw new BadRequest(`read answer: "value" must be a string, got ${describe(o.value)}`);
  return { found: true, value: o.value, version: version(o.version, 'read answer: "version"'), writer: memberId(o.writer, 'read answer: "writer"') };
}

/** An answer to /internal/write, as a coordinator reads it. */
export function parseWriteAnswer(body: unknown): { ok: true; version: number; writer: string } {
  const o = fields(body, 'write answer', ['ok', 'version', 'writer'], '{"ok":true,"version","writer"}');
  if (o.ok !== true) throw new BadRequest(`write answer: "ok" must be true, got ${describe(o.ok)}`);
  return { ok: true, version: version(o.version, 'write answer: "version"'), writer: memberId(o.writer, 'write answer: "writer"') };
}

/** The body as an object holding no field but `allowed` (any may be missing: the caller checks each). */
export function fields(body: unknown, what: string, allowed: readonly string[], shape: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest(`${what}: the body must be a JSON object ${shape}, got ${describe(body)}`);
  for (const name of Object.keys(body)) {
    if (!allowed.includes(name)) throw new BadRequest(`${what}: unknown field ${JSON.stringify(name).slice(0, 60)} (a ${what} has ${allowed.join(', ')})`);
  }
  return body as Record<string, unknown>;
}

export function memberRef(x: unknown, what: string): MemberRef {
  const o = fields(x, what, ['id', 'addr'], '{"id","addr"}');
  const addr = o.addr;
  if (typeof addr !== 'string' || !parseAddr(addr)) throw new BadRequest(`${what}: "addr" must be HOST:PORT, got ${describe(addr)}`);
  return { id: memberId(o.id, `${what}: "id"`), addr };
}

export function memberId(x: unknown, what: string): string {
  if (typeof x !== 'string' || !ID_PATTERN.test(x)) throw new BadRequest(`${what} must be a member id (letters, digits, . _ -, up to 64), got ${describe(x)}`);
  return x;
}

function key(x: unknown, rules: KeyRules, what: string): string {
  if (typeof x !== 'string') throw new BadRequest(`${what}: "key" must be a string, got ${describe(x)}`);
  rules.checkKey(x, what);
  return x;
}

function version(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1 || x > MAX_VERSION) {
    throw new BadRequest(`${what} must be an integer from 1 to ${MAX_VERSION}, got ${describe(x)}`);
  }
  return x;
}

/** A value, said briefly for an error message. */
export function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  const s = JSON.stringify(x) ?? String(x);
  return `${typeof x} ${s.length > 40 ? `${s.slice(0, 39)}…` : s}`;
}
