import http from 'node:http';
import { createGodistClient } from './client.js';
import { nodeMain } from '../../shared/paths.js';
import type { ClusterView, MemberState, SystemUnderTest } from '../types.js';

/** The reference node of this project as a system under test. */
export const godist: SystemUnderTest = {
  name: 'godist',
  nodeCommand(launch, s) {
    const args = [
      nodeMain,
      '--id', launch.id,
      '--addr', `${launch.host}:${launch.port}`,
      '-N', String(s.N),
      '-R', String(s.R),
      '-W', String(s.W),
      '--quorum', s.quorum,
      '--read-repair', s.readRepair,
      '--exit-with-parent',
    ];
    if (launch.seed) args.push('--seed', launch.seed);
    for (const [id, addr] of Object.entries(launch.peers)) args.push('--peer', `${id}=${addr}`);
    if (launch.dataDir) args.push('--data-dir', launch.dataDir);
    if (s.chaos) args.push('--chaos');
    args.push(...s.nodeArgs);
    return { file: process.execPath, args };
  },
  client: createGodistClient,
  clusterView: fetchClusterView,
};

const statusAgent = new http.Agent({ keepAlive: false });

function fetchClusterView(addr: string, timeoutMs: number): Promise<ClusterView | undefined> {
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

function parseView(text: string): ClusterView | undefined {
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
