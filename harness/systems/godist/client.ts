import http from 'node:http';
import { requestJson } from '../../shared/http-json.js';
import type { Client, Completion } from '../types.js';
import type { ReplicaReply, ReplicaTrace } from './trace.js';

export interface ClientOptions {
  /** A request that takes longer completes as info: it may still take effect. */
  timeoutMs: number;
  maxSocketsPerNode: number;
}

/**
 * The seed's client API (`POST /kv/put`, `GET /kv/get/KEY`) turned into Jepsen completions. The rules (README, "History format"):
 * 200 → ok; a read's 404 → ok with null; a read's 503 or any read error → fail (reads change
 * nothing); a write's refused connection → fail (it never left), as is its 503 from the version-read
 * phase (nothing was written); a write's 503 in the write phase (fewer than W acks) or any other
 * write error → info (it may have reached some replicas); any timeout → info.
 */
export function createSeedApiClient(options: ClientOptions): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerNode });
  const ops = {
    async read(addr: string, key: string): Promise<Completion> {
      const reply = await requestJson(agent, addr, 'GET', `/kv/get/${encodeURIComponent(key)}`, undefined, options.timeoutMs);
      if (reply.kind === 'timeout') return { type: 'info', error: 'timeout' };
      if (reply.kind === 'error') return { type: 'fail', error: reply.code };
      const trace = traceOf(reply.body);
      if (reply.status === 200) return { type: 'ok', value: decodeValue(reply.body['value']), trace };
      if (reply.status === 404 && reply.body['error'] === 'not found') return { type: 'ok', value: null, trace };
      return { type: 'fail', error: errorOf(reply.status, reply.body), trace };
    },
    async write(addr: string, key: string, value: unknown): Promise<Completion> {
      const body = JSON.stringify({ key, value: encodeValue(value) });
      const reply = await requestJson(agent, addr, 'POST', '/kv/put', body, options.timeoutMs);
      if (reply.kind === 'timeout') return { type: 'info', error: 'timeout' };
      if (reply.kind === 'error') return { type: reply.code === 'ECONNREFUSED' ? 'fail' : 'info', error: reply.code };
      const trace = traceOf(reply.body);
      if (reply.status === 200) return { type: 'ok', value, trace };
      // A 4xx means the node refused the request before doing anything with it; a 503 in the
      // version-read phase means the coordinator gave up before sending any replica the value.
      const certain = (reply.status >= 400 && reply.status < 500) || reply.body['phase'] === 'version-read';
      return { type: certain ? 'fail' : 'info', error: errorOf(reply.status, reply.body), trace };
    },
  };
  return {
    invoke(addr, op) {
      if (op.f === 'read') return ops.read(addr, op.key);
      if (op.f === 'write') return ops.write(addr, op.key, op.value);
      return Promise.resolve({ type: 'fail', error: `the seed's API has no ${op.f}` });
    },
    close() {
      agent.destroy();
    },
  };
}


function errorOf(status: number, body: Record<string, unknown>): string {
  return typeof body['error'] === 'string' ? `${status} ${body['error']}` : `HTTP ${status}`;
}

/** Workloads write integers; the node stores strings. */
export function encodeValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function decodeValue(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  return /^-?\d{1,15}$/.test(value) ? Number(value) : value;
}

function traceOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const trace: ReplicaTrace = {};
  if (typeof body['coordinator'] === 'string') trace.coordinator = body['coordinator'];
  if (Array.isArray(body['replicaSet'])) trace.replicaSet = body['replicaSet'].filter((x): x is string => typeof x === 'string');
  if (Array.isArray(body['replicas'])) trace.replicas = body['replicas'].flatMap(replyOf);
  if (typeof body['version'] === 'number' || body['version'] === null) trace.version = body['version'] as number | null;
  if (typeof body['writer'] === 'string') trace.writer = body['writer'];
  if (isTime(body['elapsedMs'])) trace.elapsedMs = body['elapsedMs'];
  return Object.keys(trace).length > 0 ? { ...trace } : undefined;
}

function replyOf(raw: unknown): ReplicaReply[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const r = raw as Record<string, unknown>;
  if (typeof r['node'] !== 'string') return [];
  const reply: ReplicaReply = { node: r['node'], version: typeof r['version'] === 'number' ? r['version'] : null };
  if (typeof r['writer'] === 'string') reply.writer = r['writer'];
  if (typeof r['ok'] === 'boolean') reply.ok = r['ok'];
  if (isTime(r['sentMs'])) reply.sentMs = r['sentMs'];
  if (isTime(r['leftMs'])) reply.leftMs = r['leftMs'];
  if (isTime(r['answeredMs'])) reply.answeredMs = r['answeredMs'];
  return [reply];
}

function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}
