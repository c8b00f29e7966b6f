import ejs from 'ejs';

type RenderCallback = (err: Error | null, html?: string) => void;

/**
 * EJS for Express, with includes written from the views folder (`include('/partials/head')`).
 * Such includes skip the file-exists check EJS makes for every relative include on every render.
 */
export function viewEngine(viewsDir: string, cache: boolean) {
  return (file: string, data: object, callback: RenderCallback): void => {
    ejs.renderFile(file, data as ejs.Data, { root: viewsDir, cache }, (err, html) => callback(err, html));
  };
}
