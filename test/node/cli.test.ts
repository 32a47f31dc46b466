import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAIN_JS, Processes, assertBuilt, freePort, request } from './processes.js';

const CLI_JS = fileURLToPath(new URL('../../dist/harness/cli/main.js', import.meta.url));
const procs = new Processes();
afterEach(async () => {
  await procs.killAll();
});

function run(script: string, args: string[]) {
  assertBuilt();
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('node command line', () => {
  it.each([
    [['--id', 'node-1', '--addr', '127.0.0.1:8081', '-N', '3', '-R', '4'], 'godist node: R=4 exceeds N=3 (a read quorum cannot be larger than the replica set; use R <= 3)'],
    [['--id', 'node-1', '--addr', 'localhost'], 'godist node: --addr "localhost" is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8081)'],
    [['--id', 'node-1', '--addr', '127.0.0.1:8081', '--quorum', 'eventual'], 'godist node: --quorum "eventual" is not one of sloppy, strict'],
    [['--addr', '127.0.0.1:8081', '-W', '0'], 'godist node: --id is required (e.g. --id node-1); --write-quorum "0" is not valid (expected a write quorum from 1 to 1000)'],
  ])('impossible settings %j: one line on stderr, exit 2', (args, line) => {
    const r = run(MAIN_JS, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(line + '\n');
    expect(r.stdout).toBe('');
  });

  it('a port already in use: one line, exit 2', async () => {
    const port = await freePort();
    await procs.start('node-1', port, []);
    const r = run(MAIN_JS, ['--id', 'node-2', '--addr', `127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`godist node: cannot listen on --addr 127.0.0.1:${port}: the address is already in use (stop the other process or pick a free port)\n`);
  });

  it('a data directory that cannot hold the log: one line, exit 2', async () => {
    const r = run(MAIN_JS, ['--id', 'node-1', '--addr', `127.0.0.1:${await freePort()}`, '--data-dir', '/dev/null/godist']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^godist node: --data-dir "\/dev\/null\/godist" cannot hold the log \(ENOTDIR[^\n]*\n$/);
  });

  it('--help prints the flags and exits 0', () => {
    const r = run(MAIN_JS, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--read-repair async|sync|off');
  });

  it('SIGTERM stops the node cleanly: exit 0, "stopped" logged, port released', async () => {
    const port = await freePort();
    const node = await procs.start('node-1', port, ['-N', '1', '-R', '1', '-W', '1']);
    node.signal('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(node.eventsOf('stopped')).toMatchObject([{ reason: 'SIGTERM' }]);
    await expect(request(port, 'GET', '/health')).rejects.toThrow();
    expect(node.events[0]!.event).toBe('started');
    expect(node.events.at(-1)!.event).toBe('stopped');
  });

  it.skipIf(!existsSync(CLI_JS))('godist node forwards its arguments to the same flag parser', () => {
    const r = run(CLI_JS, ['node', '--id', 'node-1', '--addr', '127.0.0.1:8081', '-W', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('godist node: W=5 exceeds N=3 (a write quorum cannot be larger than the replica set; use W <= 3)\n');
  });
});
