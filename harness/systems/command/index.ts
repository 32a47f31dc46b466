/**
 * Any node that speaks the seed's HTTP API (`POST /kv/put`, `GET /kv/get/KEY`; `/cluster/status` and
 * `/health` if it has them), started from a command template: a node of your own, in any language.
 * Its nodes dial their peers at the addresses the template gives them, so partitions work; the
 * client, the view and the cluster start-up are GoDist's, since GoDist speaks the same API.
 */
import { mkdirSync } from 'node:fs';
import type { Promised, PromiseTable } from '../../checks/result.js';
import { createSeedApiClient } from '../godist/client.js';
import { launchSeedApiCluster } from '../godist/cluster.js';
import { fetchClusterView } from '../godist/view.js';
import type { SystemUnderTest } from '../types.js';
import { COMMAND_OPTIONS, commandFlags, commandLabel, commandSettings, describeCommand, parseCommandSetting, type CommandSettings } from './settings.js';
import { expandTemplate } from './template.js';

const UNKNOWN: Promised = {
  promised: false,
  reason: 'a node of your own: the harness cannot know what its protocol promises (hold it to more with --expect linearizable,stale-reads,lost-writes)',
};

export const command: SystemUnderTest<CommandSettings> = {
  name: 'command',
  summary: "any node that speaks the seed's HTTP API, started by --node-command (docs/your-own-node.md)",
  options: COMMAND_OPTIONS,
  settings: commandSettings,
  flags: commandFlags,
  label: commandLabel,
  describe: describeCommand,
  parseSetting: parseCommandSetting,
  settingSyntax: 'N/R/W, e.g. command:3/2/2',
  ops: ['read', 'write'],
  faults: ['kill', 'pause', 'partition', 'delay'],
  promises: (): PromiseTable => ({ linearizable: UNKNOWN, 'stale-reads': UNKNOWN, 'lost-writes': UNKNOWN, election: UNKNOWN }),
  quorums: ({ N, R, W }) => ({ N, R, W }),
  launch: (ctx, s) =>
    launchSeedApiCluster(ctx, (launch) => {
      mkdirSync(launch.dataDir, { recursive: true });
      const line = expandTemplate(s.nodeCommand, { ...launch, N: s.N, R: s.R, W: s.W });
      return { file: '/bin/sh', args: ['-c', line], cwd: s.cwd };
    }),
  client: (_, h) => createSeedApiClient({ timeoutMs: 5000, maxSocketsPerNode: h.concurrency }),
  view: fetchClusterView,
  // A node that reports versions (the seed's `"version"` in its replies) has them kept in the trace.
  version: (trace) => (typeof trace['version'] === 'number' ? trace['version'] : undefined),
};
