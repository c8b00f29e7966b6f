import fs from 'node:fs';
import path from 'node:path';

const CSS = fs.readFileSync(path.join(__dirname, '../../public/css/app.css'), 'utf8');

/** The stylesheet less its `@supports` blocks: what a browser that knows no `@supports` applies (NetSurf, Dillo). */
function withoutSupportsBlocks(css: string): string {
  let kept = '';
  let from = 0;
  for (let start = css.indexOf('@supports'); start !== -1; start = css.indexOf('@supports', from)) {
    kept += css.slice(from, start);
    let end = css.indexOf('{', start);
    for (let depth = 0; end < css.length; end++) {
      if (css[end] === '{') depth++;
      else if (css[end] === '}' && --depth === 0) break;
    }
    from = end + 1;
  }
  return kept + css.slice(from);
}

/**
 * The declarations of every rule of public/css/app.css whose selector is exactly `selector`, in file
 * order; with `withoutSupports`, only those outside `@supports` blocks.
 */
export function declarationsOf(selector: string, options: { withoutSupports?: boolean } = {}): string[] {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const css = options.withoutSupports ? withoutSupportsBlocks(CSS) : CSS;
  return [...css.matchAll(new RegExp(`(?:^|[{}\\s])${escaped}\\{([^}]*)\\}`, 'g'))].map((m) => m[1]!);
}

/** The declarations of those rules one by one ("display:none"), for checking that one is or is not set. */
export function eachDeclarationOf(selector: string, options: { withoutSupports?: boolean } = {}): string[] {
  return declarationsOf(selector, options).join(';').split(';');
}
