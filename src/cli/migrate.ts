import { ConfigError, loadConfig, loadDotEnvFile } from '../config';
import { createDatabase } from '../infra/database';

/** Brings the database up to the latest schema (`npm run migrate`). The app also does this on start. */
async function main(): Promise<void> {
  loadDotEnvFile();
  const db = createDatabase(loadConfig().database);
  try {
    const [, applied] = (await db.migrate.latest()) as [number, string[]];
    console.log(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
