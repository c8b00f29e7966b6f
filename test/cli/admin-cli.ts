import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real admin command in a child process, as `npm run admin` would, on this SQLite file. */
export function runAdmin(sqliteFile: string, args: string[], stdin = ''): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
    cwd: ROOT,
    // Empty DATABASE_URL/REDIS_URL win over a developer's .env: the test always uses its own SQLite file.
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SQLITE_FILE: sqliteFile,
      DATABASE_URL: '',
      REDIS_URL: '',
      TIME_ZONE: 'Europe/Amsterdam',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function succeeds(pending: Promise<CliResult>): Promise<CliResult> {
  const result = await pending;
  expect(result.code, result.stderr).to.equal(0);
  return result;
}
