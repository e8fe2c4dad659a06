import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortsFree, isListening, isPortFree } from './ports.js';

describe('ports', () => {
  it('sees a port in use and names it in the error', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await isPortFree(port, '127.0.0.1')).toBe(false);
      expect(await isListening(port, '127.0.0.1')).toBe(true);
      await expect(assertPortsFree({ kafka: port }, '127.0.0.1')).rejects.toThrow(`Port ${port} (kafka)`);
    } finally {
      server.close();
    }
    expect(await isPortFree(port, '127.0.0.1')).toBe(true);
  });
});
