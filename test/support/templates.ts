import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The files under `dir` (relative to the repository) whose names end in `extension`, sorted. */
export function filesUnder(dir: string, extension: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .filter((file) => file.endsWith(extension))
    .map((file) => path.join(dir, file))
    .sort();
}

/** The JavaScript EJS makes of a template: its tags' code, ready to be read like a .ts file. */
export function templateCode(file: string): string {
  const template = new ejs.Template(fs.readFileSync(file, 'utf8'), { filename: file, compileDebug: false }) as unknown as { generateSource(): void; source: string };
  template.generateSource();
  return template.source;
}
