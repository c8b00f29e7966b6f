import type { Logger } from './logger';
import { StartupError } from './startup-error';

export type RedisClient = Awaited<ReturnType<typeof createRedisClient>>;

/** How long start-up waits for Redis before it gives up (the server and every admin command). */
export const REDIS_START_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 2000;

/** Redis did not answer at start: the message names REDIS_URL, without its password. */
export class RedisUnreachableError extends StartupError {}

/** REDIS_URL as it may be shown in a message or a log: without its password. */
export function redisUrlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/** The client library is loaded only here: a server without Redis does not carry it in memory. */
async function createRedisClient(url: string, reconnectStrategy: (retries: number, cause: Error) => number | Error) {
  const { createClient } = await import('redis');
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy },
  });
}

/**
 * Connects to Redis and keeps reconnecting in the background when it goes away; commands sent
 * while it is down fail at once (no offline queue) so requests get a clear 503 instead of hanging.
 * At start it waits at most `startTimeoutMs` for a first connection, then fails with a
 * RedisUnreachableError: a server that cannot reach Redis at all should stop, not hang unseen.
 */
export async function connectRedis(url: string, logger: Logger, options: { startTimeoutMs?: number } = {}): Promise<RedisClient> {
  const startTimeoutMs = options.startTimeoutMs ?? REDIS_START_TIMEOUT_MS;
  const shown = redisUrlWithoutPassword(url);
  const giveUpAt = Date.now() + startTimeoutMs;
  let connectedOnce = false;
  let lastError: Error | undefined;
  const client = await createRedisClient(url, (retries, cause) => {
    lastError = cause;
    const backoff = Math.min(100 * 2 ** retries, 2000);
    if (connectedOnce) return backoff;
    const left = giveUpAt - Date.now();
    // An Error ends the reconnecting for good: connect() rejects.
    return left > 0 ? Math.min(backoff, left) : cause;
  });
  let reportedDown = false;
  client.on('error', (err: Error) => {
    if (!reportedDown) {
      logger.error(
        { err: { message: err.message } },
        connectedOnce ? 'redis connection error' : `redis connection error: waiting up to ${startTimeoutMs / 1000} s for Redis at ${shown} (REDIS_URL)`,
      );
    }
    reportedDown = true;
  });
  client.on('ready', () => {
    if (reportedDown) logger.info('redis connection restored');
    reportedDown = false;
    connectedOnce = true;
  });
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    const cause = lastError ?? (err instanceof Error ? err : new Error(String(err)));
    throw new RedisUnreachableError(
      `Redis at ${shown} (REDIS_URL) did not answer within ${startTimeoutMs / 1000} s: ${cause.message || cause.name}. Is it running, and is REDIS_URL right?`,
    );
  }
  return client;
}

/**
 * Closes the client: QUIT when connected (it waits at most a moment for the answer), at once
 * otherwise. QUIT on a client that is reconnecting waits for the connection that may never come.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.isReady) {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
    });
    await Promise.race([client.quit().catch(() => undefined), gaveUp]);
    clearTimeout(timer);
  }
  client.destroy(); // does nothing after a QUIT that was answered
}
