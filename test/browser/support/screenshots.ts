import fs from 'node:fs';
import path from 'node:path';

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../..', 'docs', 'screenshots');

/**
 * Whether this run writes the screenshots into docs/screenshots/: only `npm run screenshots`
 * (KARIFY_SCREENSHOTS=write). Every other run takes them as a check and keeps them in memory,
 * so `npm test` leaves a clean working tree.
 */
export function writingScreenshots(): boolean {
  return process.env.KARIFY_SCREENSHOTS === 'write';
}

/** Keeps a screenshot: written under docs/screenshots/ when asked for, else only checked. */
export function keepScreenshot(name: string, png: Buffer): void {
  if (png.subarray(1, 4).toString() !== 'PNG') throw new Error(`${name}: not a PNG image`);
  if (!writingScreenshots()) return;
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  fs.writeFileSync(path.join(SCREENSHOT_DIR, `${name}.png`), png);
}
