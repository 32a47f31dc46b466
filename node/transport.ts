/**
 * Node-to-node HTTP client: JSON over keep-alive connections, a timeout on every request, and the
 * chaos mode of the seed (random delay or drop of outbound requests, heartbeats included).
 *
 * Everything a node sends to another node goes through here, so the `--peer id=addr` override (the
 * harness's proxies) always applies: a member is dialled at its override if it has one, else at the
 * address it advertises.
 */
import http from 'node:http';
import { SECRET_HEADER } from './peer-auth.js';

export interface ChaosSettings {
  enabled: boolean;
  /** Probability that a request is never sent (the caller sees a timeout, as for a lost packet). */
  drop: number;
  /** Extra delay before sending, uniform in [min, max] ms. */
  delayMs: readonly [number, number];
}

export interface TransportOptions {
  requestTimeoutMs: number;
  chaos: ChaosSettings;
  /** Where to dial a member id, or undefined if unknown. */
  resolve(peer: string): string | undefined;
  /** The cluster secret, sent with every request (null: the cluster runs without one). */
  secret?: string | null;
  random?: () => number;
}

/** A request to another node that did not produce an answer. */
export class PeerError extends Error {
  override name = 'PeerError';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`${target}: ${reason}`);
  }
}

/** `peer` is a member id; `addr` dials an address directly (joining through a seed). */
export type Target = { peer: string } | { addr: string };

export class Transport {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo', timeout: 10_000 });
  private readonly random: () => number;
  private readonly headers: Record<string, string>;
  private closed = false;

  constructor(private readonly opts: TransportOptions) {
    this.random = opts.random ?? Math.random;
    this.headers = opts.secret ? { 'content-type': 'application/json', [SECRET_HEADER]: opts.secret } : { 'content-type': 'application/json' };
  }

  /** POST a JSON body to `path` on the target; resolves with the JSON answer of a 200. */
  post<T>(target: Target, path: string, body: unknown, timeoutMs = this.opts.requestTimeoutMs): Promise<T> {
    return this.postRaw<T>(target, path, JSON.stringify(body), timeoutMs);
  }

  /** POST an already serialized JSON payload. */
  postRaw<T>(target: Target, path: string, payload: string, timeoutMs = this.opts.requestTimeoutMs): Promise<T> {
    const name = 'peer' in target ? target.peer : target.addr;
    const addr = 'peer' in target ? this.opts.resolve(target.peer) : target.addr;
    if (this.closed) return Promise.reject(new PeerError(name, 'node is shutting down'));
    if (!addr) return Promise.reject(new PeerError(name, 'no known address'));
    const colon = addr.lastIndexOf(':');
    const host = addr.slice(0, colon);
    const port = Number(addr.slice(colon + 1));

    return new Promise<T>((resolve, reject) => {
      let done = false;
      let req: http.ClientRequest | undefined;
      const finish = (err: PeerError | undefined, value?: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value as T);
      };
      const timer = setTimeout(() => {
        finish(new PeerError(name, `no answer within ${timeoutMs}ms`));
        req?.destroy();
      }, timeoutMs);

      const send = () => {
        if (done) return;
        req = http.request(
          {
            host,
            port,
            path,
            method: 'POST',
            agent: this.agent,
            headers: { ...this.headers, 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (e) => finish(new PeerError(name, describe(e))));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown;
              try {
                parsed = text.length > 0 ? JSON.parse(text) : {};
              } catch {
                finish(new PeerError(name, `answered ${res.statusCode} with a body that is not JSON`));
                return;
              }
              if (res.statusCode !== 200) {
                const msg = (parsed as { error?: unknown }).error;
                finish(new PeerError(name, `answered ${res.statusCode}${typeof msg === 'string' ? `: ${msg}` : ''}`));
                return;
              }
              finish(undefined, parsed as T);
            });
          },
        );
        req.on('error', (e) => finish(new PeerError(name, describe(e))));
        req.end(payload);
      };

      const c = this.opts.chaos;
      if (c.enabled) {
        if (this.random() < c.drop) return; // dropped: never sent; the timer reports it
        const [lo, hi] = c.delayMs;
        const delay = lo + Math.floor(this.random() * (hi - lo + 1));
        if (delay > 0) {
          setTimeout(send, delay);
          return;
        }
      }
      send();
    });
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }
}

function describe(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'EPIPE') return 'connection closed';
  if (code === 'ENOTFOUND') return 'host not found';
  return (e as Error).message ?? String(e);
}
