/**
 * etcd's v3 API over its JSON gateway (`POST /v3/kv/range`, `/v3/kv/put`, `/v3/kv/txn`,
 * `/v3/maintenance/status`, `/v3/cluster/member/list`), served on each member's client port:
 * plain HTTP/1.1 with keep-alive, bytes (keys, values) in base64, 64-bit integers as decimal strings.
 * This file only moves bytes and says how a request ended; what an ending means is `errors.ts`'s.
 */
import http from 'node:http';
import { requestJson, type JsonReply } from '../../shared/http-json.js';

export type GatewayReply = JsonReply;

export interface Gateway {
  post(addr: string, path: string, body: unknown, timeoutMs: number): Promise<GatewayReply>;
  /** Closes every kept-alive socket. */
  close(): void;
}

export function createGateway(options: { maxSocketsPerMember?: number } = {}): Gateway {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSocketsPerMember ?? 32 });
  return {
    post: (addr, path, body, timeoutMs) => requestJson(agent, addr, 'POST', path, JSON.stringify(body), timeoutMs),
    close: () => agent.destroy(),
  };
}


export const toBase64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const fromBase64 = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/** A 64-bit integer field as the gateway writes it (a decimal string, absent when zero). */
export function int64(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return 0;
}
