/**
 * etcd as a system under test (docs/etcd.md): members of the etcd binary on PATH, started as child
 * processes behind per-member fronts so partitions reach their Raft traffic, driven through the JSON
 * gateway with reads, writes and compare-and-sets, watched through each member's status (leader
 * and term). What etcd promises depends on its read mode.
 */
import type { SystemUnderTest } from '../types.js';
import { findEtcd } from './binary.js';
import { explainEtcd } from './explain.js';
import { createEtcdRunClient, etcdTraceLines, etcdVersion } from './invoke.js';
import { NO_FAILURE_DETECTOR, etcdPromises } from './promises.js';
import {
  ETCD_OPTIONS,
  ETCD_SETTING_SYNTAX,
  describeEtcd,
  etcdFlags,
  etcdLabel,
  etcdRunSettings,
  parseEtcdSetting,
  type EtcdRunSettings,
} from './settings.js';
import { fetchEtcdView } from './view.js';

export const etcd: SystemUnderTest<EtcdRunSettings> = {
  name: 'etcd',
  summary: 'etcd 3.4+ (Raft), the etcd binary on PATH, --reads linearizable or serializable (docs/etcd.md)',
  options: ETCD_OPTIONS,
  settings: etcdRunSettings,
  flags: etcdFlags,
  label: etcdLabel,
  describe: describeEtcd,
  parseSetting: parseEtcdSetting,
  settingSyntax: ETCD_SETTING_SYNTAX,
  ops: ['read', 'write', 'cas'],
  faults: ['kill', 'pause', 'partition', 'delay'],
  promises: etcdPromises,
  notApplicable: { 'failure-detector': NO_FAILURE_DETECTOR },
  preflight: () => void findEtcd(),
  // Loaded when a run starts, as godist's: the process machinery is most of the CLI's load time.
  launch: async (ctx, s) => (await import('./launch.js')).launchEtcd(ctx, s),
  client: (s, h) => createEtcdRunClient(s, h.concurrency),
  view: fetchEtcdView,
  // Raft's own clock: a member gives up on its leader after an election timeout (randomized up to
  // twice that), and an election takes a round of votes; what the election check allows for recovery.
  detector: (s) => ({ timings: { heartbeatMs: s.heartbeatMs, suspectAfterMs: 2 * s.electionMs, deadAfterMs: 2 * s.electionMs, requestTimeoutMs: s.electionMs }, chaos: false }),
  explain: explainEtcd,
  version: etcdVersion,
  traceLines: etcdTraceLines,
};
