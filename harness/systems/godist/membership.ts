/**
 * GoDist's membership routes, as the harness calls them: tell a member where to dial a node that
 * joins later (`POST /cluster/dial`, the run-time `--peer`), ask a member to leave for good
 * (`POST /cluster/leave`: it tells the others, answers, then exits), and ask a member for the ring it
 * routes by (`POST /cluster/ring`, with the keys whose replica sets the harness wants). The two that
 * change a node (dial, leave) carry the run's cluster secret, as the nodes' own internal requests do;
 * the ring is read-only and open.
 */
import http from 'node:http';
import type { Ownership } from '../types.js';

const agent = new http.Agent({ keepAlive: false });

/** The header a node with a cluster secret wants on its internal and membership-changing routes. */
const SECRET_HEADER = 'x-godist-cluster-secret';

/** Tell the node at `addr` to reach member `peer` at `via` (the proxy link from it to the peer). */
export async function dialVia(addr: string, peer: string, via: string, secret: string | undefined, timeoutMs = 2000): Promise<void> {
  const answer = await postJson(addr, '/cluster/dial', { id: peer, addr: via }, timeoutMs, secret);
  if (answer.status !== 200) throw new Error(`${addr} refused the dial address of ${peer}: ${answer.status} ${answer.text}`);
}

/** Ask the node at `addr` to leave the cluster; resolves once it has told the others (it exits next). */
export async function askToLeave(addr: string, secret: string | undefined, timeoutMs = 5000): Promise<{ told: string[]; missed: string[] }> {
  const answer = await postJson(addr, '/cluster/leave', {}, timeoutMs, secret);
  if (answer.status !== 200) throw new Error(`${addr} did not leave: ${answer.status} ${answer.text}`);
  const body = JSON.parse(answer.text) as { told?: string[]; missed?: string[] };
  return { told: body.told ?? [], missed: body.missed ?? [] };
}

/** The ring the node at `addr` routes by, and the replica sets of `keys` on it; undefined when it did not answer in time. */
export async function fetchOwnership(addr: string, keys: readonly string[], timeoutMs: number): Promise<Ownership | undefined> {
  try {
    const answer = await postJson(addr, '/cluster/ring', { keys }, timeoutMs);
    if (answer.status !== 200) return undefined;
    const body = JSON.parse(answer.text) as { members?: unknown; placements?: unknown };
    if (!Array.isArray(body.members) || !body.members.every((m) => typeof m === 'string')) return undefined;
    const placements = Array.isArray(body.placements) && keys.length > 0 ? (body.placements as string[][]) : undefined;
    return { members: body.members as string[], ...(placements ? { placements } : {}) };
  } catch {
    return undefined;
  }
}

export function postJson(addr: string, path: string, body: unknown, timeoutMs: number, secret?: string): Promise<{ status: number; text: string }> {
  const at = addr.lastIndexOf(':');
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: addr.slice(0, at),
        port: Number(addr.slice(at + 1)),
        method: 'POST',
        path,
        agent,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(secret !== undefined ? { [SECRET_HEADER]: secret } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${addr}${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
