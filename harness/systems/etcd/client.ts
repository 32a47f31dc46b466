/**
 * The etcd client of a run: read, write and compare-and-set on one key each, through a member's JSON
 * gateway, turned into Jepsen completions (errors.ts says which failures are `fail` and which `info`).
 *
 * - read: a range on the key, linearizable (through the leader) or serializable (the member's own
 *   state) as the settings say; a missing key reads as null.
 * - write: a put.
 * - cas [expected, new]: one transaction, `if value == expected then put new else range` (with
 *   expected null: `if the key has no version`). A compare that failed is a definite `fail`, with
 *   what the key held in the trace.
 *
 * Values are stored as JSON text, so numbers come back as numbers.
 */
import { failureOf, type OpKind } from './errors.js';
import { createGateway, fromBase64, int64, toBase64, type GatewayReply } from './gateway.js';
import type { ReadMode } from './settings.js';

/** What a completion can tell a checker about where in etcd's history the op landed. */
export interface EtcdTrace {
  /** The member that answered, as its response header names it (decimal member id). */
  memberId: string;
  /** The store's revision when the member answered (header.revision). */
  revision: number;
  /** The key's mod_revision: of the value read (null: no such key), or the revision the write made. */
  modRevision: number | null;
  raftTerm: number;
  /** A cas whose compare failed: what the key held instead (null: no such key). */
  found?: unknown;
}

/** Jepsen's completion types: ok happened, fail certainly did not, info is unknown. */
export interface EtcdCompletion {
  type: 'ok' | 'fail' | 'info';
  value?: unknown;
  error?: string;
  trace?: EtcdTrace;
}

export interface EtcdClientOptions {
  reads: ReadMode;
  /** A request that takes longer completes as info (a read: fail). */
  timeoutMs: number;
  maxSocketsPerMember?: number;
}

export interface EtcdClient {
  read(addr: string, key: string): Promise<EtcdCompletion>;
  write(addr: string, key: string, value: unknown): Promise<EtcdCompletion>;
  cas(addr: string, key: string, expected: unknown, value: unknown): Promise<EtcdCompletion>;
  close(): void;
}

export function createEtcdClient(options: EtcdClientOptions): EtcdClient {
  const gateway = createGateway(options.maxSocketsPerMember === undefined ? {} : { maxSocketsPerMember: options.maxSocketsPerMember });
  const call = async (op: OpKind, addr: string, path: string, body: unknown, done: (body: Record<string, unknown>) => EtcdCompletion) => {
    const reply = await gateway.post(addr, path, body, options.timeoutMs);
    return isSuccess(reply) ? done(reply.body) : failureOf(op, reply);
  };
  return {
    read: (addr, key) =>
      call('read', addr, '/v3/kv/range', { key: toBase64(key), serializable: options.reads === 'serializable' }, (body) => {
        const kv = firstKv(body['kvs']);
        return { type: 'ok', value: kv ? decodeValue(kv['value']) : null, trace: traceOf(body, kv ? int64(kv['mod_revision']) : null) };
      }),
    write: (addr, key, value) =>
      call('write', addr, '/v3/kv/put', { key: toBase64(key), value: toBase64(encodeValue(value)) }, (body) => {
        const header = headerOf(body);
        return { type: 'ok', value, trace: traceOf(body, int64(header['revision'])) };
      }),
    cas: (addr, key, expected, value) =>
      call('cas', addr, '/v3/kv/txn', casTxn(key, expected, value), (body) => {
        if (body['succeeded'] === true) {
          return { type: 'ok', value: [expected, value], trace: traceOf(body, int64(headerOf(body)['revision'])) };
        }
        const range = firstResponse(body, 'response_range');
        const kv = firstKv(range?.['kvs']);
        const trace = traceOf(body, kv ? int64(kv['mod_revision']) : null);
        trace.found = kv ? decodeValue(kv['value']) : null;
        return { type: 'fail', error: 'cas mismatch', trace };
      }),
    close: () => gateway.close(),
  };
}

/** The transaction of a cas: compare, put on success, read what is there on failure. */
export function casTxn(key: string, expected: unknown, value: unknown): Record<string, unknown> {
  const k = toBase64(key);
  // etcd's value compare is false on a missing key, so "expect no value" compares the version to 0.
  const compare =
    expected === null || expected === undefined
      ? { target: 'VERSION', result: 'EQUAL', key: k, version: '0' }
      : { target: 'VALUE', result: 'EQUAL', key: k, value: toBase64(encodeValue(expected)) };
  return {
    compare: [compare],
    success: [{ request_put: { key: k, value: toBase64(encodeValue(value)) } }],
    failure: [{ request_range: { key: k } }],
  };
}

function isSuccess(reply: GatewayReply): reply is { kind: 'response'; status: number; body: Record<string, unknown> } {
  return reply.kind === 'response' && reply.status === 200 && typeof reply.body['header'] === 'object';
}

export function encodeValue(value: unknown): string {
  return JSON.stringify(value);
}

export function decodeValue(b64: unknown): unknown {
  if (typeof b64 !== 'string') return ''; // the gateway omits an empty value
  const text = fromBase64(b64);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // written by someone else
  }
}

function headerOf(body: Record<string, unknown>): Record<string, unknown> {
  const h = body['header'];
  return typeof h === 'object' && h !== null ? (h as Record<string, unknown>) : {};
}

function traceOf(body: Record<string, unknown>, modRevision: number | null): EtcdTrace {
  const h = headerOf(body);
  return { memberId: String(h['member_id'] ?? ''), revision: int64(h['revision']), modRevision, raftTerm: int64(h['raft_term']) };
}

function firstKv(kvs: unknown): Record<string, unknown> | undefined {
  return Array.isArray(kvs) && typeof kvs[0] === 'object' && kvs[0] !== null ? (kvs[0] as Record<string, unknown>) : undefined;
}

function firstResponse(body: Record<string, unknown>, kind: string): Record<string, unknown> | undefined {
  const responses = body['responses'];
  if (!Array.isArray(responses)) return undefined;
  const r = (responses[0] as Record<string, unknown> | undefined)?.[kind];
  return typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : undefined;
}
