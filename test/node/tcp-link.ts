/**
 * A minimal one-way TCP link for tests: listens on a free port and forwards to a target; `cut()`
 * blackholes it (existing connections are dropped, new ones are held silent, so the caller times
 * out), `heal()` restores it. Enough to partition nodes routed through `--peer id=addr`.
 */
import net from 'node:net';

export class TcpLink {
  private readonly sockets = new Set<net.Socket>();
  private cutNow = false;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async open(targetPort: number): Promise<TcpLink> {
    let link!: TcpLink;
    const server = net.createServer((client) => {
      link.sockets.add(client);
      client.on('close', () => link.sockets.delete(client));
      client.on('error', () => {});
      if (link.cutNow) return; // held open, silent
      const upstream = net.connect(targetPort, '127.0.0.1');
      link.sockets.add(upstream);
      upstream.on('close', () => {
        link.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    link = new TcpLink(server, (server.address() as net.AddressInfo).port);
    return link;
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutNow = true;
    for (const s of this.sockets) s.destroy();
  }

  heal(): void {
    this.cutNow = false;
    for (const s of this.sockets) s.destroy(); // drop the silent ones so callers reconnect
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
