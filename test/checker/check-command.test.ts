/** `godist check`, through the command's handler: files in, a summary or JSON out, exit codes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkCommand, guessFormat, type CheckArgs } from '../../harness/cli/check.js';
import { UsageError } from '../../harness/shared/usage-error.js';
import { corpusDir } from '../fixtures/porcupine-corpus.js';
import { history, read, write } from './helpers.js';
import { syntheticHistory, toJsonl } from './synthetic-history.js';

let dir: string;
let out: string;
let savedExitCode: typeof process.exitCode;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'godist-check-'));
  out = '';
  savedExitCode = process.exitCode;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = savedExitCode;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the handler as yargs would, returning the exit code it set. */
async function run(args: Partial<CheckArgs> & { path: string }): Promise<number | undefined> {
  process.exitCode = undefined;
  await checkCommand.handler({ timeLimit: 60, perKey: false, json: false, threads: 1, _: [], $0: 'godist', ...args } as never);
  const code = process.exitCode;
  process.exitCode = savedExitCode;
  return code as number | undefined;
}

const jsonl = (ops: object[]) => ops.map((o) => JSON.stringify(o)).join('\n');

describe('godist check', () => {
  it('checks a results folder (its history.jsonl): linearizable, exit 0', async () => {
    const folder = join(dir, 'run-1');
    mkdirSync(folder);
    writeFileSync(join(folder, 'history.jsonl'), jsonl(history(write(0, 'k1', 1, 0, 1), read(1, 'k1', 1, 2, 3))));
    expect(await run({ path: folder })).toBe(0);
    expect(out).toContain('history.jsonl (jsonl): 2 ops on 1 key, model register');
    expect(out).toContain('key k1: ok (2 ops)');
    expect(out).toMatch(/verdict: linearizable\n$/);
  });

  it('explains a history that is not linearizable, exit 1', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, jsonl(history(write(0, 'k3', 17, 1, 2), write(1, 'k3', 18, 3, 3.9), read(2, 'k3', 17, 4.0, 4.1))));
    expect(await run({ path: file })).toBe(1);
    expect(out).toContain('key k3: NOT LINEARIZABLE (3 ops)');
    expect(out).toContain('read of k3 returned 17 at 4.1 s, but 17 had been overwritten by 18, acknowledged at 3.9 s, before this read began at 4 s');
    expect(out).toContain('longest order that fits: 2 ops, leaving 18; could not come next:');
    expect(out).toContain('op 4 (process 2): read → 17, called 4.000 s, returned 4.100 s');
    expect(out).toMatch(/verdict: NOT linearizable\n$/);
  });

  it('prints the full result with --json', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, jsonl(history(write(0, 'k', 1, 0, 1), read(1, 'k', 2, 2, 3))));
    expect(await run({ path: file, json: true })).toBe(1);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ file, format: 'jsonl', valid: false, model: 'register', timeUnit: 'ns', opCount: 2 });
    expect(result.partitions[0].failure.explanation).toBe('read of k returned 2 at 3 s, but 2 was never written to k');
  });

  it('says unknown, exit 3, when the time limit runs out', async () => {
    const path = join(corpusDir(), 'jepsen', 'etcd_002.log');
    expect(await run({ path, timeLimit: 0.001 })).toBe(3);
    expect(out).toMatch(/history: unknown, undecided: the time limit of 0\.001 s ran out after \d+ steps and \d+ configurations \(\d+ ops; raise --time-limit\)/);
    expect(out).toMatch(/verdict: unknown \(the checker could not decide; this is not a pass\)\n$/);
  });

  it('reads a Jepsen etcd log with the cas-register model, guessed', async () => {
    expect(await run({ path: join(corpusDir(), 'jepsen', 'etcd_002.log'), json: true })).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ format: 'jepsen-log', model: 'cas-register', timeUnit: 'line', valid: true });
  });

  it('reads a kv EDN history with the kv model, guessed from the ops, and checks every key with --per-key', async () => {
    expect(await run({ path: join(corpusDir(), 'kv', 'c10-bad.txt'), perKey: true, json: true })).toBe(1);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ format: 'edn', model: 'kv' });
    expect(result.partitions.filter((p: { valid: unknown }) => p.valid === true).map((p: { key: string }) => p.key)).toEqual(['4', '8']);
  });

  it('stops at the first bad key by default and says the others were not checked', async () => {
    expect(await run({ path: join(corpusDir(), 'kv', 'c10-bad.txt') })).toBe(1);
    expect(out).toContain('9 keys not checked to the end (1, 2, 3, 4, 5, 6, 7, 8, 9): checking stops at the first key that is not linearizable; --per-key checks every key');
  });

  it('names the file and the line of bad input', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, `${jsonl(history(write(0, 'k', 1, 0, 1)))}\n{"index": 2, "type": "ok"`);
    await expect(run({ path: file })).rejects.toThrow(UsageError);
    await expect(run({ path: file })).rejects.toThrow(`${file}: line 3: not JSON`);
  });

  it('names the file for a history that breaks the invoke/complete rules', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, jsonl([{ index: 0, type: 'ok', process: 0, f: 'write', key: 'k', value: 1, time: 5 }]));
    await expect(run({ path: file })).rejects.toThrow(`${file}: line 1: process 0 completes (ok) a write it never invoked`);
  });

  it('names the file for an op the model cannot check', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, jsonl(history({ process: 0, f: 'cas', key: 'k', value: [1, 2], call: 0, ret: 1 })));
    await expect(run({ path: file, model: 'register' })).rejects.toThrow(`${file}: op 0 (process 0, cas): the register model has no cas (use --model cas-register)`);
  });

  it('refuses a path that does not exist, or a folder without a history', async () => {
    await expect(run({ path: join(dir, 'nope') })).rejects.toThrow(/nope: no such file or folder/);
    await expect(run({ path: dir })).rejects.toThrow(/a folder without a history.jsonl/);
  });

  it('says undecided, exit 3, when a key needs more than --memory-budget, with the budget in bytes', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, toJsonl(syntheticHistory({ ops: 3000, clients: 10, seed: 5, anomaly: 'stale-read' }).history));
    expect(await run({ path: file, memoryBudget: '1M' })).toBe(3);
    expect(out).toMatch(/key k0: unknown, undecided: the search reached the memory budget of 1048576 bytes \(1 MiB\) after \d+ steps and \d+ configurations \(3000 ops; raise --memory-budget\)/);
    expect(out).toMatch(/verdict: unknown \(the checker could not decide; this is not a pass\)\n$/);
    out = '';
    expect(await run({ path: file, memoryBudget: '64M' })).toBe(1);
  });

  it('refuses a memory budget that is not a size', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, jsonl(history(write(0, 'k', 1, 0, 1))));
    for (const bad of ['lots', '0', '-1G', '2X']) {
      await expect(run({ path: file, memoryBudget: bad })).rejects.toThrow(`--memory-budget ${bad}: give a size such as 512M, 2G or 1.5G (K, M, G, T are powers of 1024)`);
    }
  });

  it('as a process: undecided by the memory budget is exit 3 with nothing on stderr; a bad budget is one line, exit 2', () => {
    const cli = fileURLToPath(new URL('../../dist/harness/cli/main.js', import.meta.url));
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does it for you)`);
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, toJsonl(syntheticHistory({ ops: 3000, clients: 10, seed: 5, anomaly: 'stale-read' }).history));
    const undecided = spawnSync(process.execPath, [cli, 'check', file, '--memory-budget', '1M'], { encoding: 'utf8', timeout: 20_000 });
    expect(undecided.status).toBe(3);
    expect(undecided.stderr).toBe('');
    expect(undecided.stdout).toContain('memory budget of 1048576 bytes (1 MiB)');
    const bad = spawnSync(process.execPath, [cli, 'check', file, '--memory-budget', 'lots'], { encoding: 'utf8', timeout: 20_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('godist: --memory-budget lots: give a size such as 512M, 2G or 1.5G (K, M, G, T are powers of 1024)\n');
  });

  it('refuses a negative time limit', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, '');
    await expect(run({ path: file, timeLimit: -1 })).rejects.toThrow(/--time-limit -1/);
  });

  it('an empty history is linearizable', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, '');
    expect(await run({ path: file })).toBe(0);
  });
});

describe('guessing the format', () => {
  it.each([
    ['h.jsonl', '', 'jsonl'],
    ['h.edn', '', 'edn'],
    ['h.txt', '{:process 0, :type :invoke}', 'edn'],
    ['h.txt', '[{:process 0}]', 'edn'],
    ['h', '\n{"index":0}', 'jsonl'],
    ['etcd.log', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil', 'jepsen-log'],
  ])('%s starting %j is %s', (file, text, format) => {
    expect(guessFormat(file, text)).toBe(format);
  });

  it('asks for --format when it cannot tell', () => {
    expect(() => guessFormat('h.txt', 'hello')).toThrow(/give --format jsonl, edn or jepsen-log/);
  });
});
