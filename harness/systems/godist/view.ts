/**
 * A node's own view of the cluster, from the seed's `GET /cluster/status` (its leader and its member
 * table). Any node that speaks the seed's API may answer it; one that does not simply has no view.
 */
import http from 'node:http';
import type { ClusterView, MemberState } from '../types.js';

const statusAgent = new http.Agent({ keepAlive: false });

export function fetchClusterView(addr: string, timeoutMs: number): Promise<ClusterView | undefined> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    const req = http.get(
      { host: addr.slice(0, at), port: Number(addr.slice(at + 1)), path: '/cluster/status', agent: statusAgent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.statusCode === 200 ? parseView(Buffer.concat(chunks).toString('utf8')) : undefined));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** True when the node answers `GET /health` with 200: it serves. */
export function answersHealth(addr: string, timeoutMs: number): Promise<boolean> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve) => {
    const req = http.get({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)), path: '/health', agent: statusAgent, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export function parseView(text: string): ClusterView | undefined {
  try {
    const raw = JSON.parse(text) as { id?: unknown; leader?: unknown; members?: unknown };
    if (typeof raw.id !== 'string' || !Array.isArray(raw.members)) return undefined;
    const members = raw.members.flatMap((m: { id?: unknown; state?: unknown; lastHeardMs?: unknown }) =>
      typeof m.id === 'string' && typeof m.state === 'string'
        ? [{ id: m.id, state: m.state as MemberState, ...(typeof m.lastHeardMs === 'number' ? { lastHeardMs: m.lastHeardMs } : {}) }]
        : [],
    );
    return { id: raw.id, leader: typeof raw.leader === 'string' ? raw.leader : null, members };
  } catch {
    return undefined;
  }
}
