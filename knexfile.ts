// Used by the knex CLI (`NODE_OPTIONS='--import tsx' npx knex migrate:latest --knexfile knexfile.ts`).
// The app itself migrates on start-up; see src/infra/database.ts.
import { loadConfig, loadDotEnvFile } from './src/config';
import { knexConfig } from './src/infra/database';

loadDotEnvFile();
export default knexConfig(loadConfig().database);
