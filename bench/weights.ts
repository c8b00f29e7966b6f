import zlib from 'node:zlib';
import { CookieJar, passwordStep, send, visitor } from './http-client';
import type { AppUnderTest } from './scenarios';
import { BENCH_PASSWORD } from './seed';

export interface PageWeight {
  page: string;
  status: number;
  /** The HTML as sent (the stack ceiling pads its pages to this size). */
  htmlBytes: number;
  htmlGzip: number;
  cssGzip: number;
  /** HTML + CSS, each gzip-compressed (level 6, as a web server would): the 14 KB budget. */
  totalGzip: number;
}

const gzipSize = (text: string) => zlib.gzipSync(Buffer.from(text), { level: 6 }).length;

async function weigh(app: AppUnderTest, page: string, reply: { status: number; text: string }): Promise<PageWeight> {
  const href = /<link rel="stylesheet" href="([^"]+)"/.exec(reply.text)?.[1];
  const css = href ? await send(app.base, href, new CookieJar()) : undefined;
  const cssGzip = css?.status === 200 ? gzipSize(css.text) : 0;
  const htmlGzip = gzipSize(reply.text);
  return { page, status: reply.status, htmlBytes: Buffer.byteLength(reply.text), htmlGzip, cssGzip, totalGzip: htmlGzip + cssGzip };
}

/**
 * The pages the bench visits, as a patient receives them: the sign-in page (also with an error),
 * the SMS code page of a half session, and a signed-in Werkblad.
 */
export async function pageWeights(app: AppUnderTest, patients: { web: string; halfSession: string }): Promise<PageWeight[]> {
  const weights: PageWeight[] = [];
  weights.push(await weigh(app, 'sign-in page', await send(app.base, '/inloggen', new CookieJar())));
  const { jar: failed, csrf } = await visitor(app.base);
  const wrong = await send(app.base, '/inloggen', failed, { _csrf: csrf, email: patients.web, password: 'niet-het-wachtwoord' });
  weights.push(await weigh(app, 'sign-in page, wrong password', wrong));
  const half = await passwordStep(app.base, patients.halfSession, BENCH_PASSWORD);
  weights.push(await weigh(app, 'SMS code page', await send(app.base, '/inloggen/code', half.jar)));
  const signedIn = await passwordStep(app.base, patients.web, BENCH_PASSWORD);
  weights.push(await weigh(app, 'Werkblad', await send(app.base, '/werkblad', signedIn.jar)));
  return weights;
}
