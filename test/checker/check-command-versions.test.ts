/** `godist check` and versions: the summary says which keys versions decided; `--no-versions` searches every key. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkCommand } from '../../harness/cli/check.js';

let dir: string;
let out: string;
let savedExitCode: typeof process.exitCode;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'godist-check-versions-'));
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

/** The command line as a user types it after `godist`; returns the exit code. */
async function godist(...args: string[]): Promise<number | undefined> {
  process.exitCode = undefined;
  await yargs(args).command(checkCommand).strict().parseAsync();
  const code = process.exitCode;
  process.exitCode = savedExitCode;
  return code as number | undefined;
}

const rec = (index: number, type: string, process: number, f: string, key: string, value: unknown, time: number, trace?: object) =>
  JSON.stringify({ index, type, process, f, key, value, time: time * 1e6, ...(trace ? { trace } : {}) });

function historyFile(): string {
  const file = join(dir, 'history.jsonl');
  const lines = [
    rec(0, 'invoke', 0, 'write', 'a', 1, 100),
    rec(1, 'ok', 0, 'write', 'a', 1, 200, { version: 1, writer: 'node-1' }),
    rec(2, 'invoke', 1, 'read', 'a', null, 300),
    rec(3, 'ok', 1, 'read', 'a', 1, 400, { version: 1, writer: 'node-1' }),
    rec(4, 'invoke', 0, 'write', 'b', 1, 100),
    rec(5, 'ok', 0, 'write', 'b', 1, 200, { version: 1, writer: 'node-1' }),
    rec(6, 'invoke', 1, 'read', 'b', null, 300),
    rec(7, 'ok', 1, 'read', 'b', 9, 400, { version: 1, writer: 'node-1' }),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('godist check and versions', () => {
  it('says which keys the versions decided, and the fact that refutes', async () => {
    expect(await godist('check', historyFile(), '--per-key')).toBe(1);
    expect(out).toContain('key a: ok (2 ops, by versions)');
    expect(out).toContain('key b: NOT LINEARIZABLE (2 ops)\n    read of b returned 9 at 0.4 s, but 9 was never written to b\n');
    expect(out).toContain('a fact that proves it on its own (never-written, ops 6), found before any search');
    expect(out).toContain('decided by versions: 2 keys; by the search: 0');
  });

  it('--no-versions searches every key', async () => {
    expect(await godist('check', historyFile(), '--per-key', '--no-versions')).toBe(1);
    expect(out).toContain('key a: ok (2 ops)\n');
    expect(out).toContain('longest order that fits');
    expect(out).not.toContain('decided by versions');
  });
});
