import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../../harness/process/ports.js';

describe('free ports for nodes', () => {
  it("come from below the OS's own range, so no outgoing connection or port-0 listener can take one while its node restarts", async () => {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
    for (const p of ports) expect(p).toBeLessThan(ephemeralLow!);
  });

  it('skip a port that is taken', async () => {
    const [taken] = await freePorts(1, '127.0.0.1', () => 0);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(taken, '127.0.0.1', resolve));
    try {
      const ports = await freePorts(3, '127.0.0.1', () => 0);
      expect(ports).not.toContain(taken);
    } finally {
      server.close();
    }
  });
});
