// The test issuers' port is fixed (the API server's AuthenticationConfiguration names it): a second
// run on this machine waits for it while another holds it, on real sockets.
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { issuerHost } from '../../../scenarios/_support/issuer-host.js';
import { issuerKey, serveIssuers } from '../../../scenarios/_support/oidc-issuer.js';

const holdPort = (): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, issuerHost(), () => resolve({ server, port: (server.address() as { port: number }).port }));
  });

describe('serveIssuers on a fixed port', () => {
  const issuers = () => [{ name: 'team-a', key: issuerKey('test-only-jwt-signing-team-a.key') }];

  it('refuses at once when the port is taken and no wait is asked', async () => {
    const { server, port } = await holdPort();
    try {
      await expect(serveIssuers(port, issuers())).rejects.toThrow(`port ${issuerHost()}:${port} is already in use`);
    } finally {
      server.close();
    }
  });

  it('waits while another process holds the port, says so once, and serves when it is free', async () => {
    const { server, port } = await holdPort();
    const told: string[] = [];
    setTimeout(() => server.close(), 1500);
    const running = await serveIssuers(port, issuers(), { seconds: 20, onWait: (m) => told.push(m) });
    try {
      expect(running.url('team-a')).toBe(`https://${issuerHost()}:${port}/team-a`);
      expect(told).toEqual([expect.stringMatching(/is already in use.*: waiting up to 20s for it$/)]);
    } finally {
      await running.close();
    }
  });

  it('gives up at the deadline', async () => {
    const { server, port } = await holdPort();
    try {
      await expect(serveIssuers(port, issuers(), { seconds: 2 })).rejects.toThrow('is already in use');
    } finally {
      server.close();
    }
  });
});
