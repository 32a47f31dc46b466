/**
 * Real node processes for integration tests: free ports, spawn, wait, HTTP, and cleanup. Every node
 * runs in its own process group; `killAll` (call it from afterEach/afterAll) SIGKILLs every group
 * still alive, so a failing test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../harness/process/ports.js';

export const MAIN_JS = fileURLToPath(new URL('../../dist/node/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run "npm run build" first (npm test does it for you)`);
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LogEvent {
  t: number;
  node: string;
  event: string;
  [k: string]: unknown;
}

export class NodeProcess {
  readonly events: LogEvent[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stdoutBuf = '';

  constructor(
    readonly id: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdoutBuf += chunk;
      let nl: number;
      while ((nl = this.stdoutBuf.indexOf('\n')) !== -1) {
        const line = this.stdoutBuf.slice(0, nl);
        this.stdoutBuf = this.stdoutBuf.slice(nl + 1);
        try {
          this.events.push(JSON.parse(line) as LogEvent);
        } catch {
          this.events.push({ t: Date.now(), node: id, event: 'not-json', line });
        }
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive && this.child.pid !== undefined) process.kill(this.child.pid, sig);
  }

  /** Kill the whole process group at once (SIGKILL): the node gets no chance to flush anything. */
  killHard(): Promise<unknown> {
    if (this.alive && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    return this.exited;
  }

  eventsOf(event: string): LogEvent[] {
    return this.events.filter((e) => e.event === event);
  }
}

export class Processes {
  private readonly all: NodeProcess[] = [];

  /** Spawn `node dist/node/main.js ...args` (with `env` added to the environment); does not wait for it to serve. */
  spawn(id: string, port: number, args: string[], env: Record<string, string> = {}): NodeProcess {
    assertBuilt();
    const child = spawn(process.execPath, [MAIN_JS, '--id', id, '--addr', `127.0.0.1:${port}`, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GODIST_CLUSTER_SECRET: undefined, ...env },
    });
    const p = new NodeProcess(id, port, child);
    this.all.push(p);
    return p;
  }

  /** Spawn and wait until /health answers 200. */
  async start(id: string, port: number, args: string[], timeoutMs = 10_000, env: Record<string, string> = {}): Promise<NodeProcess> {
    const p = this.spawn(id, port, args, env);
    await waitFor(
      async () => {
        if (!p.alive) throw new Error(`${id} exited before serving: ${p.stderr}`);
        return (await request(port, 'GET', '/health').catch(() => undefined))?.status === 200;
      },
      timeoutMs,
      `${id} to serve /health`,
    );
    return p;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.all.map((p) => p.killHard()));
    this.all.length = 0;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(25);
  }
}

export interface Answer {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: http.IncomingHttpHeaders;
}

/** One HTTP request on a fresh connection (no keep-alive, nothing left open). */
export function request(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: body === undefined ? headers : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const put = (port: number, key: string, value: string) => request(port, 'POST', '/kv/put', JSON.stringify({ key, value }));
export const get = (port: number, key: string) => request(port, 'GET', `/kv/get/${encodeURIComponent(key)}`);
export const status = async (port: number) => (await request(port, 'GET', '/cluster/status')).json as {
  id: string;
  leader: string | null;
  members: { id: string; addr: string; state: string; lastHeardMs: number }[];
  config: Record<string, unknown>;
};

/** Fast failure detection for tests. */
export const FAST = ['--heartbeat-ms', '100', '--suspect-after-ms', '500', '--dead-after-ms', '1200', '--request-timeout-ms', '300'];
