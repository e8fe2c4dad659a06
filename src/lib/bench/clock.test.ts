import { describe, expect, it } from 'vitest';
import { isThisHost } from './clock.js';

describe('isThisHost', () => {
  const own = ['127.0.0.1', '10.1.2.3', 'fe80::1'];

  it('counts loopback addresses, localhost and Unix sockets as this host', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.14',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '/var/run/postgresql',
    ])
      expect(isThisHost(host, own), host).toBe(true);
  });

  it("counts an address of one of this host's interfaces as this host", () => {
    expect(isThisHost('10.1.2.3', own)).toBe(true);
    expect(isThisHost('FE80::1', own)).toBe(true);
  });

  it('counts any other address or host name as another host', () => {
    for (const host of ['10.1.2.4', 'db.example.com', '128.0.0.1', '127.0.0.1.example.com'])
      expect(isThisHost(host, own), host).toBe(false);
  });
});
