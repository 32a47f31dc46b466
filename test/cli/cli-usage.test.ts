import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliMain, packageRoot } from '../../harness/shared/paths.js';

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
    [['--nemesis', 'kill,meteor'], 'godist: unknown fault "meteor" (known: kill, pause, partition, delay, membership, or none)'],
    [['--targets', 'half'], 'godist: unknown target "half" for --targets (known: one, minority, majority, all)'],
    [['--nodes', 'three'], 'godist: --nodes (not a number) must be a whole number ≥ 1'],
    [['--bogus'], 'godist run: unknown option --bogus; godist run --help lists them'],
    [['--time-limt', '5'], 'godist run: unknown option --time-limt (did you mean --time-limit?); godist run --help lists them'],
    [['--nemesis', 'none', '--targets', 'all'], 'godist: --targets all says which nodes kills and pauses hit, and --nemesis none has neither: add kill or pause, or leave out --targets'],
    [['--system', 'command', '--node-command', 'x {addr}', '--quorum', 'strict'], "godist: --quorum is a setting of --system godist, and this run's system is command"],
    [['-R'], 'godist run: -R needs a value'],
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
    expect(godist('launch')).toMatchObject({ code: 2, stderr: 'godist: unknown command "launch" (commands: node, run, check, compare, regress, report; godist --help says what each does)\n' });
    expect(godist()).toMatchObject({ code: 2, stderr: 'godist: name a command: node, run, check, compare, regress, report (godist --help says what each does)\n' });
    expect(godist('check')).toMatchObject({ code: 2, stderr: 'godist check needs a PATH: a results folder, a history.jsonl, a Jepsen EDN history or a Jepsen log\n' });
    expect(godist('check', 'x', '--format', 'yaml')).toMatchObject({ code: 2, stderr: 'godist check: --format yaml is not one of jsonl, edn, jepsen-log\n' });
    expect(godist('check', 'x', '--threads', '0')).toMatchObject({ code: 2, stderr: 'godist: --threads 0: give a whole number of threads, 1 or more (1 searches the keys one after another)\n' });
    const r = godist('check', path.join(root, 'nowhere'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^godist: .*nowhere.*\n$/);
  });
});

describe('a file that is not a history is named for what it is', () => {
  it.each([
    ['notes.md', '# Notes\n\nsome text\n', 'is a Markdown file, not a history'],
    ['notes.txt', '# Notes\n\nsome text\n', 'looks like Markdown (its first line is a heading), not a history'],
    ['results.json', JSON.stringify({ valid: true, checks: {} }, null, 2), "is a results.json (a run's verdicts), not a history"],
    ['run.json', JSON.stringify({ tool: 'godist', settings: {} }, null, 2), "is a run.json (a run's settings), not a history"],
  ])('godist check %s', (name, text, phrase) => {
    const file = path.join(root, name);
    writeFileSync(file, text);
    const r = godist('check', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`godist: ${file}: ${phrase}${phrase.includes('.json') ? " (history.jsonl holds one op a line): give the run's folder or its history.jsonl" : ': give a results folder, a history.jsonl, a Jepsen EDN history or a Jepsen log'}\n`);
  });
});

describe('help', () => {
  it.each(['run', 'check', 'compare', 'regress', 'report'])('godist %s --help has examples and the exit codes, and no noise', (command) => {
    const r = godist(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/Exit codes: 0 every promise held · 1 a promise was broken · 2 bad usage/);
    expect(r.stdout).not.toContain('[default: ""]');
    expect(r.stdout).not.toContain('[default: []]');
    expect(r.stdout).not.toContain(packageRoot);
  });

  it('godist regress --help names the cases', () => {
    const r = godist('regress', '--help');
    for (const name of ['weak-quorum-stale-reads', 'strict-sync-durable-linearizable']) expect(r.stdout).toContain(name);
  });
});
