import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEtcd } from '../../../harness/systems/etcd/binary.js';
import { namesOf, viewOf } from '../../../harness/systems/etcd/cluster-view.js';
import { failureOf } from '../../../harness/systems/etcd/errors.js';
import { memberArgs, type ClusterPlan } from '../../../harness/systems/etcd/member-args.js';
import { dialler, hexMemberId, routePeerConnection, type PeerDirectory } from '../../../harness/systems/etcd/peer-routing.js';
import { DEFAULT_ETCD_SETTINGS, parseEtcdSettings } from '../../../harness/systems/etcd/settings.js';
import { UsageError } from '../../../harness/shared/usage-error.js';
import type { RequestHead } from '../../../harness/proxy/http-head.js';

describe('etcd settings', () => {
  it('default to linearizable reads and timings etcd accepts', () => {
    const s = parseEtcdSettings({});
    expect(s).toEqual(DEFAULT_ETCD_SETTINGS);
    expect(s.electionMs).toBeGreaterThanOrEqual(5 * s.heartbeatMs);
  });

  it('take flag strings and booleans', () => {
    expect(parseEtcdSettings({ reads: 'serializable', heartbeatMs: '20', electionMs: 200, preVote: true })).toMatchObject({
      reads: 'serializable',
      heartbeatMs: 20,
      electionMs: 200,
      preVote: true,
    });
  });

  it('refuse what etcd would refuse, in one line naming the flag and what would be right', () => {
    const problem = (raw: Parameters<typeof parseEtcdSettings>[0]) => {
      try {
        parseEtcdSettings(raw);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
    };
    expect(problem({ reads: 'eventual' })).toBe('--reads eventual is not a read mode (use linearizable or serializable)');
    expect(problem({ heartbeatMs: 100, electionMs: 400 })).toBe(
      '--election-ms 400 is less than 5 × --heartbeat-ms 100 (etcd refuses it; use --election-ms ≥ 500)',
    );
    expect(problem({ snapshotCount: '1.5' })).toBe('--snapshot-count 1.5 must be a whole number ≥ 1');
    expect(problem({ preVote: 'yes' })).toBe('--pre-vote yes must be true or false');
  });
});

describe('findEtcd', () => {
  it('finds an executable on the given PATH, skipping a directory where it is not executable', () => {
    const a = mkdtempSync(path.join(os.tmpdir(), 'etcd-path-a-'));
    const b = mkdtempSync(path.join(os.tmpdir(), 'etcd-path-b-'));
    writeFileSync(path.join(a, 'etcd'), '');
    chmodSync(path.join(a, 'etcd'), 0o644);
    writeFileSync(path.join(b, 'etcd'), '#!/bin/sh\n');
    chmodSync(path.join(b, 'etcd'), 0o755);
    expect(findEtcd('etcd', [a, b].join(path.delimiter))).toBe(path.join(b, 'etcd'));
  });

  it('says how to install etcd when it is missing', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'etcd-path-none-'));
    expect(() => findEtcd('etcd', empty)).toThrow(UsageError);
    expect(() => findEtcd('etcd', empty)).toThrow('etcd is not on PATH: install it with `apt-get install etcd-server`');
  });
});

describe('memberArgs', () => {
  const plan: ClusterPlan = {
    token: 'godist-t',
    members: ['n1', 'n2', 'n3'].map((name, i) => ({
      name,
      client: `127.0.0.1:${2000 + i}`,
      peer: `127.0.0.1:${3000 + i}`,
      advertisedPeer: `127.0.0.1:${4000 + i}`,
      dataDir: `/data/${name}`,
    })),
  };
  const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

  it('listens on its own peer port but advertises its front, and lists every front in the initial cluster', () => {
    const args = memberArgs(plan.members[1]!, plan, DEFAULT_ETCD_SETTINGS, 'new');
    expect(flag(args, '--listen-peer-urls')).toBe('http://127.0.0.1:3001');
    expect(flag(args, '--initial-advertise-peer-urls')).toBe('http://127.0.0.1:4001');
    expect(flag(args, '--initial-cluster')).toBe('n1=http://127.0.0.1:4000,n2=http://127.0.0.1:4001,n3=http://127.0.0.1:4002');
    expect(flag(args, '--listen-client-urls')).toBe('http://127.0.0.1:2001');
    expect(flag(args, '--data-dir')).toBe('/data/n2');
    expect(flag(args, '--initial-cluster-state')).toBe('new');
    expect(flag(args, '--initial-cluster-token')).toBe('godist-t');
    expect(args).not.toContain('--pre-vote');
  });

  it('restarts as existing, with the settings’ timings and pre-vote', () => {
    const args = memberArgs(plan.members[0]!, plan, { ...DEFAULT_ETCD_SETTINGS, heartbeatMs: 20, electionMs: 300, preVote: true }, 'existing');
    expect(flag(args, '--initial-cluster-state')).toBe('existing');
    expect(flag(args, '--heartbeat-interval')).toBe('20');
    expect(flag(args, '--election-timeout')).toBe('300');
    expect(args).toContain('--pre-vote');
  });
});

describe('routePeerConnection', () => {
  const directory: PeerDirectory = {
    byUrl: new Map([
      ['http://127.0.0.1:4000', 'n1'],
      ['http://127.0.0.1:4001', 'n2'],
    ]),
    byId: new Map([['36855fd57f575bf', 'n2']]),
  };
  const head = (method: string, path: string, headers: Record<string, string>): RequestHead => ({ method, path, headers });

  it("puts a stream on the link of the dialled member's messages to the dialler", () => {
    const stream = head('GET', '/raft/stream/msgapp/36855fd57f575bf', { 'x-server-from': '36855fd57f575bf', 'x-peerurls': 'http://127.0.0.1:4001' });
    expect(routePeerConnection(stream, 'n1', directory)).toEqual(['n1', 'n2']);
    expect(routePeerConnection({ ...stream, path: '/raft/stream/message/36855fd57f575bf' }, 'n1', directory)).toEqual(['n1', 'n2']);
  });

  it("puts a pipeline or a snapshot on the link of the dialler's messages", () => {
    const pipeline = head('POST', '/raft', { 'x-peerurls': 'http://127.0.0.1:4000' });
    expect(routePeerConnection(pipeline, 'n2', directory)).toEqual(['n1', 'n2']);
    expect(routePeerConnection({ ...pipeline, path: '/raft/snapshot' }, 'n2', directory)).toEqual(['n1', 'n2']);
  });

  it('knows the dialler by its advertised URL, else by its hex id, else not at all', () => {
    expect(dialler(head('POST', '/raft', { 'x-peerurls': 'http://127.0.0.1:9999,http://127.0.0.1:4000/' }), directory)).toBe('n1');
    expect(dialler(head('POST', '/raft', { 'x-server-from': '036855FD57F575BF' }), directory)).toBe('n2');
    expect(dialler(head('POST', '/raft', { 'x-server-from': 'ffff' }), directory)).toBeUndefined();
    expect(routePeerConnection(head('GET', '/members', {}), 'n1', directory)).toBeUndefined();
    expect(routePeerConnection(head('GET', '/version', {}), 'n1', directory)).toBeUndefined();
  });

  it('converts the decimal ids of the JSON API to the hex of the peer headers', () => {
    expect(hexMemberId('245540726282483135')).toBe('36855fd57f575bf');
    expect(hexMemberId('16368022551218423165')).toBe('e326e5c9f0f5057d'); // past 2^53: no float rounding
  });
});

describe("failureOf: Jepsen's rules", () => {
  const grpc = (code: number, error: string) => ({ kind: 'response' as const, status: 503, body: { error, code, message: error } });

  it('a read that failed in any way is fail', () => {
    expect(failureOf('read', { kind: 'timeout' })).toEqual({ type: 'fail', error: 'timeout' });
    expect(failureOf('read', { kind: 'error', code: 'ECONNRESET' }).type).toBe('fail');
    expect(failureOf('read', grpc(14, 'etcdserver: request timed out')).type).toBe('fail');
  });

  it('a timeout or a lost connection during a write or cas is info', () => {
    for (const op of ['write', 'cas'] as const) {
      expect(failureOf(op, { kind: 'timeout' })).toEqual({ type: 'info', error: 'timeout' });
      expect(failureOf(op, { kind: 'error', code: 'ECONNRESET' })).toEqual({ type: 'info', error: 'ECONNRESET' });
      expect(failureOf(op, grpc(14, 'etcdserver: leader changed'))).toEqual({ type: 'info', error: '14 etcdserver: leader changed' });
      expect(failureOf(op, grpc(2, 'raft: stopped')).type).toBe('info');
    }
  });

  it('a write etcd refused before proposing it, or never received, is fail', () => {
    expect(failureOf('write', { kind: 'error', code: 'ECONNREFUSED' }).type).toBe('fail');
    expect(failureOf('write', grpc(8, 'etcdserver: too many requests')).type).toBe('fail');
    expect(failureOf('cas', grpc(3, 'etcdserver: key is not provided')).type).toBe('fail');
    expect(failureOf('write', { kind: 'response', status: 404, body: { error: 'Not Found' } }).type).toBe('fail');
    expect(failureOf('write', { kind: 'response', status: 502, body: { error: 'Bad Gateway' } }).type).toBe('info');
  });
});

describe('viewOf', () => {
  const names = namesOf({
    members: [
      { ID: '245540726282483135', name: 'n2' },
      { ID: '16368022551218423165', name: 'n1' },
    ],
  });

  it('names the member and its leader, with term and indexes as numbers', () => {
    const body = {
      header: { member_id: '16368022551218423165', raft_term: '2' },
      leader: '245540726282483135',
      raftIndex: '8',
      raftTerm: '2',
      raftAppliedIndex: '7',
    };
    expect(viewOf(body, names)).toEqual({ member: 'n1', leader: 'n2', term: 2, raftIndex: 8, appliedIndex: 7 });
  });

  it('has no leader while the member knows none, and keeps an unknown id as it is', () => {
    expect(viewOf({ header: { member_id: '5' }, leader: '0', raftTerm: '9' }, names)).toMatchObject({ member: '5', leader: null, term: 9 });
    expect(viewOf({ header: { member_id: '5' }, raftTerm: '9' }, names)?.leader).toBeNull();
    expect(viewOf({ error: 'x' }, names)).toBeUndefined();
  });
});
