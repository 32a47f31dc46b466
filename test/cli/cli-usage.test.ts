import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain } from '../../harness/shared/paths.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'godist-cli-usage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function godist(...args: string[]) {
  const r = spawnSync(process.execPath, [cliMain, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('impossible settings are one line and exit 2, with nothing started', () => {
  it.each([
    [['-R', '4'], 'godist: R=4 exceeds N=3 (a read quorum cannot be larger than the replica set)'],
    [['-W', '5'], 'godist: W=5 exceeds N=3 (a write quorum cannot be larger than the replica set)'],
    [['-N', '4', '--nodes', '3'], 'godist: N=4 exceeds --nodes=3 (a key cannot have more replicas than there are nodes)'],
    [['--workload', 'bank'], 'godist: unknown workload "bank" (known: register, unique-writes, cas-register)'],
    [['--nemesis', 'kill,meteor'], 'godist: unknown fault "meteor" (known: kill, pause, partition, delay, or none)'],
    [['--targets', 'half'], 'godist: unknown target "half" for --targets (known: one, minority, majority, all)'],
    [['--nodes', 'three'], 'godist: --nodes (not a number) must be a whole number ≥ 1'],
    [['--bogus'], 'godist: Unknown argument: bogus'],
    [['--workload', 'cas-register'], 'godist: --workload cas-register needs cas, which --system godist does not offer (its ops: read, write)'],
    [['--reads', 'serializable'], "godist: --reads is a setting of --system etcd, and this run's system is godist"],
    [['--system', 'etcd', '--reads', 'eventual'], 'godist: --reads eventual is not a read mode (use linearizable or serializable)'],
    [['--system', 'etcd', '--heartbeat-ms', '100', '--election-ms', '300'], 'godist: --election-ms 300 is less than 5 × --heartbeat-ms 100 (etcd refuses it; use --election-ms ≥ 500)'],
  ])('godist run %s', (args, line) => {
    const r = godist('run', ...args, '--results-dir', root);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
    expect(existsSync(path.join(root, 'latest'))).toBe(false);
  });

  it('--system etcd without an etcd binary on PATH is one line saying how to install it, and starts nothing', () => {
    const r = spawnSync(process.execPath, [cliMain, 'run', '--system', 'etcd', '--nodes', '3', '--results-dir', root], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, PATH: path.join(root, 'no-bin') },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('godist: etcd is not on PATH: install it with `apt-get install etcd-server` (Debian, Ubuntu) or put an etcd 3.4+ binary on PATH\n');
    expect(existsSync(path.join(root, 'latest'))).toBe(false);
  });

  it('an unknown command or a missing path is exit 2 too', () => {
    expect(godist('launch').code).toBe(2);
    const r = godist('check', path.join(root, 'nowhere'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^godist: .*nowhere.*\n$/);
  });
});
