import fs from 'node:fs';
import path from 'node:path';

const CSS = fs.readFileSync(path.join(__dirname, '../../public/css/app.css'), 'utf8');

/** The declarations of every rule of public/css/app.css whose selector is exactly `selector`, in file order. */
export function declarationsOf(selector: string): string[] {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...CSS.matchAll(new RegExp(`(?:^|[}\\s])${escaped}\\{([^}]*)\\}`, 'g'))].map((m) => m[1]!);
}
