import { ConfigError, loadConfig, loadDotEnvFile } from '../config';
import { createDatabase, migrateToLatest } from '../infra/database';
import { StartupError } from '../infra/startup-error';

/** Brings the database up to the latest schema (`npm run migrate`). The app also does this on start. */
async function main(): Promise<void> {
  if (process.argv.length > 2) {
    console.log('Usage: npm run migrate\nBrings the database named by the configuration (.env, DATABASE_URL or SQLITE_FILE) up to the latest schema. Takes no options.');
    process.exitCode = process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h') ? 0 : 2;
    return;
  }
  loadDotEnvFile();
  const db = createDatabase(loadConfig().database);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  const explained = err instanceof ConfigError || err instanceof StartupError;
  console.error(explained ? err.message : `Migration failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
