import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR } from './options';

export const PROFILE_HOOK = path.join(REPO_DIR, 'bench', 'profile-hook.cjs');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drives bench/profile-hook.cjs in the app child: one CPU profile per measured phase. */
export function childProfiler(pid: number, dir: string, prefix: string) {
  let written = 0;
  return {
    start(): void {
      process.kill(pid, 'SIGUSR2');
    },
    /** Stops the profile and waits until the child has written it; returns its path. */
    async stop(name: string): Promise<string> {
      process.kill(pid, 'SIGUSR2');
      written += 1;
      const file = path.join(dir, `profile-${written}.cpuprofile`);
      const deadline = Date.now() + 30_000;
      while (!fs.existsSync(file)) {
        if (Date.now() > deadline) throw new Error(`the app wrote no profile ${file}`);
        await sleep(50);
      }
      const target = path.join(dir, `${prefix}-${name}.cpuprofile`);
      fs.renameSync(file, target);
      return target;
    },
  };
}
