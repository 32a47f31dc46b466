/**
 * The replica side of the node-to-node API: POST /internal/read, /internal/write and /internal/batch.
 * Each body is read strictly (peer-messages.ts) and every write is checked against what this replica
 * holds before anything is applied, so a refused request (400, or 413 for a key or value over its
 * limit) changes nothing; a batch is refused whole. A write this replica's log cannot take (a full
 * disk) gets 503 alone, or `ok: false` for that op in a batch.
 */
import { BadRequest, RequestRefused } from './bad-request.js';
import { AppendFailed } from './durable-log.js';
import { serveBatch } from './batching.js';
import { serveRead, serveWrite } from './coordinator.js';
import { parseBatch, parseReplicaRead, parseReplicaWrite, versionLeapProblem, type KeyRules, type ReplicaWriteMessage } from './peer-messages.js';
import type { Replica } from './replica.js';

export function replicaRoutes(replica: Replica, rules: KeyRules): Record<'read' | 'write' | 'batch', (body: unknown) => unknown> {
  const checkLeap = (w: ReplicaWriteMessage) => {
    const problem = versionLeapProblem(w.version, replica.read(w.key)?.version);
    if (problem) throw new BadRequest(`internal write of key ${JSON.stringify(w.key.slice(0, 60))}: ${problem}`);
  };
  return {
    read: (body) => serveRead(replica, parseReplicaRead(body, rules)),
    write: async (body) => {
      const w = parseReplicaWrite(body, rules);
      checkLeap(w);
      try {
        return await serveWrite(replica, w);
      } catch (e) {
        if (e instanceof AppendFailed) throw new RequestRefused(e.message, 503);
        throw e;
      }
    },
    batch: (body) => {
      const items = parseBatch(body, rules);
      for (const it of items) if (it.op === 'write') checkLeap(it.body);
      return serveBatch(items, { read: (b) => serveRead(replica, b), write: (b) => serveWrite(replica, b) });
    },
  };
}
