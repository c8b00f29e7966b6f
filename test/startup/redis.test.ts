import net from 'node:net';
import { expect } from 'chai';
import { createLogger } from '../../src/infra/logger';
import { connectRedis, type RedisClient } from '../../src/infra/redis';
import { freeLoopbackPort, startRedisServer, stopProcess } from '../support/redis-server';
import { startTestRuntime } from '../support/runtime';
import { exitWithin, outputShows, startServerProcess } from './server-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

describe('start-up: Redis (REDIS_URL)', function () {
  this.timeout(60_000);

  it('unreachable at start: fails within the bound with a message naming REDIS_URL without its password, and tries no more', async () => {
    const port = await freeLoopbackPort();
    const { lines, logger } = recordingLogger();
    const started = Date.now();
    const error = await connectRedis(`redis://karify:geheim-wachtwoord@127.0.0.1:${port}/0`, logger, { startTimeoutMs: 1500 }).then(
      (client) => {
        client.destroy();
        return undefined;
      },
      (err: Error) => err,
    );
    const waited = Date.now() - started;
    expect(error, 'connected to nothing').to.be.instanceOf(Error);
    expect(waited, 'ms until it gave up').to.be.within(1400, 4500);
    expect(error!.message).to.include(`Redis at redis://karify@127.0.0.1:${port}/0 (REDIS_URL) did not answer within 1.5 s`).and.include('ECONNREFUSED');
    expect(error!.message).not.to.include('geheim');
    expect(lines.join('')).to.include(`waiting up to 1.5 s for Redis at redis://karify@127.0.0.1:${port}/0 (REDIS_URL)`).and.not.include('geheim');

    // No reconnecting left behind: a server on that port now gets no connection.
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
    try {
      await sleep(2500); // longer than the longest pause between two attempts
      expect(connections, 'attempts after giving up').to.equal(0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('once connected, an outage longer than the start-up bound is waited out in the background', async () => {
    const redis = await startRedisServer();
    let client: RedisClient | undefined;
    try {
      client = await connectRedis(redis.url, recordingLogger().logger, { startTimeoutMs: 1000 });
      await redis.down();
      const failed = Date.now();
      await client.ping().then(() => expect.fail('answered while down'), () => undefined);
      expect(Date.now() - failed, 'ms until a command failed').to.be.below(500);
      await sleep(2000);
      await redis.up();
      const deadline = Date.now() + 10_000;
      while (!(await client.ping().then(() => true, () => false))) {
        if (Date.now() > deadline) expect.fail('did not reconnect');
        await sleep(100);
      }
    } finally {
      client?.destroy();
      await redis.stop();
    }
  });

  it('the real server with Redis unreachable: exits 1 within the default 10 s, naming REDIS_URL, and listens nowhere', async () => {
    const [redisPort, port] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const server = startServerProcess({ PORT: String(port), SQLITE_FILE: ':memory:', REDIS_URL: `redis://:geheim-wachtwoord@127.0.0.1:${redisPort}` });
    try {
      const exit = await exitWithin(server, 25_000);
      expect(exit, `the server kept running:\n${server.output()}`).to.deep.equal({ code: 1, signal: null });
      expect(server.output()).to.include(`Karify could not start: Redis at redis://127.0.0.1:${redisPort} (REDIS_URL) did not answer within 10 s`);
      expect(server.output()).not.to.include('geheim').and.not.include('Karify listening').and.not.match(/\n\s+at /);
    } finally {
      await stopProcess(server, 'SIGKILL');
    }
  });
});

describe('shutting down while Redis is down', function () {
  this.timeout(60_000);

  it('the runtime closes at once', async () => {
    const redis = await startRedisServer();
    try {
      const rt = await startTestRuntime({ REDIS_URL: redis.url });
      await redis.down();
      await sleep(300);
      const started = Date.now();
      const closed = await Promise.race([rt.close().then(() => true), sleep(5000).then(() => false)]);
      expect(closed, 'closed within 5 s').to.equal(true);
      expect(Date.now() - started, 'ms to close').to.be.below(1500);
    } finally {
      await redis.stop();
    }
  });

  it('the real server logs its stop and exits 0 promptly on SIGTERM', async () => {
    const redis = await startRedisServer();
    const port = await freeLoopbackPort();
    const server = startServerProcess({ PORT: String(port), SQLITE_FILE: ':memory:', REDIS_URL: redis.url });
    try {
      expect(await outputShows(server, 'Karify listening'), server.output()).to.equal(true);
      await redis.down();
      expect(await outputShows(server, 'redis connection error', 5000), server.output()).to.equal(true);
      const started = Date.now();
      server.child.kill('SIGTERM');
      const exit = await exitWithin(server, 15_000);
      expect(exit, server.output()).to.deep.equal({ code: 0, signal: null });
      expect(Date.now() - started, 'ms to stop').to.be.below(3000);
      expect(server.output()).to.include('"msg":"stopping: finishing requests in flight"').and.include('"msg":"stopped"');
    } finally {
      await stopProcess(server, 'SIGKILL');
      await redis.stop();
    }
  });
});
