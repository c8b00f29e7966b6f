import net from 'node:net';
import { expect } from 'chai';
import { freeLoopbackPort, stopProcess } from '../support/redis-server';
import { exitWithin, outputShows, startServerProcess } from './server-process';

/** A plain TCP listener holding a loopback port, as another program would. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => holder.close(() => resolve())) };
}

describe('start-up: listening on HOST:PORT', function () {
  this.timeout(60_000);

  it('a port already in use: exits 1 with a message naming the address and the cause, and never says it listens', async () => {
    const held = await holdPort();
    const server = startServerProcess({ PORT: String(held.port), SQLITE_FILE: ':memory:' });
    try {
      const exit = await exitWithin(server, 30_000);
      expect(exit, `the server kept running:\n${server.output()}`).to.deep.equal({ code: 1, signal: null });
      expect(server.output()).to.include(`Karify could not start: cannot listen on 127.0.0.1:${held.port}: port ${held.port} is in use (EADDRINUSE)`);
      expect(server.output()).not.to.include('Karify listening');
    } finally {
      await stopProcess(server, 'SIGKILL');
      await held.close();
    }
  });

  it('HOST that is no address of this machine: exits 1 and says to check HOST', async () => {
    const port = await freeLoopbackPort();
    const server = startServerProcess({ HOST: '192.0.2.1', PORT: String(port), SQLITE_FILE: ':memory:' }); // TEST-NET-1, never local
    try {
      const exit = await exitWithin(server, 30_000);
      expect(exit, `the server kept running:\n${server.output()}`).to.deep.equal({ code: 1, signal: null });
      expect(server.output()).to.include(`cannot listen on 192.0.2.1:${port}: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL); check HOST`);
      expect(server.output()).not.to.include('Karify listening');
    } finally {
      await stopProcess(server, 'SIGKILL');
    }
  });

  it('a free port: says it listens, answers, and stops with 0 on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const server = startServerProcess({ PORT: String(port), SQLITE_FILE: ':memory:' });
    try {
      expect(await outputShows(server, `Karify listening on http://127.0.0.1:${port}`), server.output()).to.equal(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
      server.child.kill('SIGTERM');
      expect(await exitWithin(server, 15_000)).to.deep.equal({ code: 0, signal: null });
      expect(server.output()).to.include('"msg":"stopped"');
    } finally {
      await stopProcess(server, 'SIGKILL');
    }
  });
});
