import net from 'node:net';

/**
 * Free loopback ports, asked of the OS (port 0) and released at once. Another process could take
 * one before the node binds it; nothing retries then: the node exits and the run fails at start-up
 * with "exited during start-up (see its log)".
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<net.Server>((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, host, () => resolve(server));
      }),
    ),
  );
  // Holding every socket until all are chosen keeps the OS from handing the same port out twice.
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
