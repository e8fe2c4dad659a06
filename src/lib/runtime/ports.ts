import net from 'node:net';
import { InfrastructureError } from '../errors.js';

/** True when nothing listens on host:port and we could bind it. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Fails with the name of the service, the port and the fix when any wanted port is taken. */
export async function assertPortsFree(wanted: Record<string, number>, host: string): Promise<void> {
  for (const [service, port] of Object.entries(wanted)) {
    if (!(await isPortFree(port, host))) {
      throw new InfrastructureError(`Port ${port} (${service}) on ${host} is already in use`, {
        suggestions: [
          `Stop whatever listens on ${port} (\`ss -ltnp 'sport = :${port}'\` shows it)`,
          'or move the stack with --port-base (all ports) or the per-service port flags',
        ],
      });
    }
  }
}

/** A port that is free on `host` right now (the kernel picks it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
