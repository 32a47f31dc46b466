import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * Free loopback ports for nodes, chosen below the range the OS hands out on its own (Linux's
 * ip_local_port_range, 32768–60999 by default). A node's port must stay its own for the whole run:
 * it is released while the node is killed and bound again when it restarts. A port from the OS's
 * own range could meanwhile be taken by any outgoing connection (its local port) or by a proxy
 * listening on port 0; below that range nothing takes a port unless asked for it by number.
 * Candidates are tried from a random start so that two runs at once rarely reach for the same one.
 */
export async function freePorts(count: number, host = '127.0.0.1', random: () => number = Math.random): Promise<number[]> {
  const [low, high] = NODE_PORTS;
  const span = high - low + 1;
  const start = Math.floor(random() * span);
  const held: net.Server[] = [];
  try {
    for (let i = 0; i < span && held.length < count; i++) {
      const server = await listenOn(low + ((start + i * 7919) % span), host);
      if (server) held.push(server);
    }
    if (held.length < count) throw new Error(`no ${count} free ports between ${low} and ${high} on ${host}`);
    // Holding every socket until all are chosen keeps the same port from being handed out twice.
    return held.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** The range node ports come from: just below the OS's own range, or 20000–32767 where it cannot be read. */
const NODE_PORTS: [number, number] = nodePortRange();

function nodePortRange(): [number, number] {
  let ephemeralLow = 32768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 12000) ephemeralLow = low;
  } catch {
    // Not Linux: the IANA range starts at 49152, and 32768 is Linux's default; below both is safe.
  }
  return [Math.max(1024, ephemeralLow - 12768), ephemeralLow - 1];
}

function listenOn(port: number, host: string): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}
