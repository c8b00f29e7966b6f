import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type RenderCallback = (err: Error | null, html?: string) => void;
type Locals = Record<string, unknown>;

/**
 * EJS for Express. Templates render their parts with `partial(name, params)`, the name written
 * from the views folder: `<%- partial('/partials/text-field', { name: 'email' }) %>`. A part sees
 * the locals of the template that renders it plus `params`.
 *
 * Why not EJS's own `include`: it copies every local, and EJS's options, into fresh objects for
 * each include on each render, and checks the file on disk for relative names. A page has ten or
 * more parts, so that was a good share of a page's time; here a part with params costs one
 * object spread, and one without costs nothing.
 */
export function viewEngine(viewsDir: string, cache: boolean) {
  const compiled = new Map<string, ejs.TemplateFunction>();

  const template = (file: string): ejs.TemplateFunction => {
    let fn = compiled.get(file);
    if (!fn) {
      // The locals object is ours (see withPartials), so EJS need not copy it again.
      const options = { filename: file, unsafePrototypeLocals: true } as ejs.Options;
      fn = ejs.compile(fs.readFileSync(file, 'utf8'), options) as ejs.TemplateFunction;
      if (cache) compiled.set(file, fn);
    }
    return fn;
  };

  const fileOf = (name: string) => path.join(viewsDir, `${name}.ejs`);

  /** `locals` and `params`, plus a `partial` that renders parts with them. */
  const withPartials = (locals: object, params?: Locals): Locals => {
    const scope: Locals = { ...locals, ...params };
    scope.partial = (name: string, partParams?: Locals) => render(fileOf(name), partParams ? withPartials(scope, partParams) : scope);
    return scope;
  };

  const render = (file: string, scope: Locals): string => template(file)(scope) as string;

  return (file: string, data: object, callback: RenderCallback): void => {
    let html: string;
    try {
      html = render(file, withPartials(data));
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, html);
  };
}
