import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout's top folder (views/, public/, migrations/, data/): the nearest folder up with a
 * package.json, so the same code finds it from src/ (tsx) and from the compiled dist/src/.
 */
function findRootDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const ROOT_DIR = findRootDir(__dirname);
