import type { Logger } from './logger';

export type RedisClient = Awaited<ReturnType<typeof createRedisClient>>;

/** The client library is loaded only here: a server without Redis does not carry it in memory. */
async function createRedisClient(url: string) {
  const { createClient } = await import('redis');
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });
}

/**
 * Connects to Redis and keeps reconnecting in the background when it goes away; commands sent
 * while it is down fail at once (no offline queue) so requests get a clear 503 instead of hanging.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = await createRedisClient(url);
  let reportedDown = false;
  client.on('error', (err: Error) => {
    if (!reportedDown) logger.error({ err: { message: err.message } }, 'redis connection error');
    reportedDown = true;
  });
  client.on('ready', () => {
    if (reportedDown) logger.info('redis connection restored');
    reportedDown = false;
  });
  await client.connect();
  return client;
}
