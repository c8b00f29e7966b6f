import type { Server } from 'node:http';
import { ConfigError, loadConfig, loadDotEnvFile, type Config } from './config';
import { bootstrap, startupProblem, type Runtime } from './bootstrap';
import { answerUnreadableRequests } from './http/unreadable-requests';
import { StartupError } from './infra/startup-error';

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** The server could not listen on HOST:PORT; the message says why. */
class ListenError extends StartupError {}

function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): string {
  const address = `${urlHost(host)}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${address}: port ${port} is in use (EADDRINUSE), by another program or another Karify; stop that one or choose another PORT`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address}: ${host} is not an address of this machine (EADDRNOTAVAIL); check HOST`;
    case 'EACCES':
      return `cannot listen on ${address}: not allowed to use port ${port} (EACCES); choose another PORT`;
    default:
      return `cannot listen on ${address}: ${err.message}`;
  }
}

/** Express 5 hands a failed listen (port in use, address not here) to the callback, not to an 'error' event. */
function listen(runtime: Runtime, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = runtime.app.listen(config.port, config.host, (err?: Error) => {
      if (err) reject(new ListenError(listenProblem(err, config.host, config.port)));
      else resolve(server);
    });
  });
}

async function main(): Promise<void> {
  let config;
  try {
    loadDotEnvFile();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const runtime = await bootstrap(config);
  const { logger } = runtime;
  let server: Server;
  try {
    server = await listen(runtime, config);
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
  const site = config.webauthn.origin;
  logger.info({ host: config.host, port: config.port, env: config.env, site }, `Karify listening on http://${urlHost(config.host)}:${config.port}, for patients at ${site}`);
  server.on('clientError', answerUnreadableRequests(runtime.app, runtime.services.translators.nl, logger));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    server.close(() => {
      runtime
        .close()
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        })
        .catch((err) => {
          logger.error({ err }, 'error while closing');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.error('still not stopped after 10 s: exiting');
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  const problem = startupProblem(err);
  process.stderr.write(`Karify could not start: ${problem ?? (err instanceof Error ? err.stack : String(err))}\n`);
  process.exit(1);
});
