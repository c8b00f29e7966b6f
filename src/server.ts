import { ConfigError, loadConfig, loadDotEnvFile } from './config';
import { bootstrap } from './bootstrap';
import { answerUnreadableRequests } from './http/unreadable-requests';

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

async function main(): Promise<void> {
  loadDotEnvFile();
  let config;
  try {
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
  const server = runtime.app.listen(config.port, config.host, () => {
    const site = config.webauthn.origin;
    logger.info({ host: config.host, port: config.port, env: config.env, site }, `Karify listening on http://${urlHost(config.host)}:${config.port}, for patients at ${site}`);
  });
  server.on('clientError', answerUnreadableRequests(runtime.app, runtime.services.translators.nl, logger));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    server.close(() => {
      runtime
        .close()
        .then(() => process.exit(0))
        .catch((err) => {
          logger.error({ err }, 'error while closing');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Karify could not start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
