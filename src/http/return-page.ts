import type { Request, Response } from 'express';
import { paths } from '../paths';

/**
 * The path and query of `address` (absolute, or relative to `base`) when it is on `host`:
 * `//other.example/…` as a path would be a link to another site.
 */
function pathOn(host: string | undefined, address: string | undefined, base?: string): string | undefined {
  if (!host || !address || !URL.canParse(address, base)) return undefined;
  const url = new URL(address, base);
  if (url.host !== host || /^\/[/\\]/.test(url.pathname)) return undefined;
  return url.pathname + url.search;
}

/** A character a path may hold as it is (RFC 3986), or a percent-encoded one; a query may also hold "?". */
const PATH_CHARACTER = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})`;
const QUERY_CHARACTER = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})`;

/**
 * Only a page on this site may be returned to: a path that starts with one "/" (not "//" or "/\\",
 * which a browser reads as another host) and has no "." or ".." segment, with its query if it has
 * one ("/werkblad/opdracht/1", "/pagina%20weg", "/account/bevestigen?terug=%2Faccount%2Fwachtwoord").
 * No backslash, whitespace or control character: browsers drop tabs and newlines from a URL, which
 * could turn "/\t/x" into "//x".
 */
const LOCAL_PATH = new RegExp(String.raw`^/(?![/\\])${PATH_CHARACTER}*(?:\?${QUERY_CHARACTER}*)?$`);
/** A "." or ".." segment in the path ("%2e" is a dot too): none of the site's own, and "/.//x" reads as "//x" once resolved. */
const DOT_SEGMENT = /^[^?]*\/(?:\.|%2e){1,2}(?:[/?]|$)/i;
const MAX_PATH_LENGTH = 2000;

export function localPath(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_PATH_LENGTH && LOCAL_PATH.test(value) && !DOT_SEGMENT.test(value) ? value : '/';
}

const isDeskPath = (pathname: string) => pathname === paths.desk.home || pathname.startsWith(`${paths.desk.home}/`);

/**
 * A page of the desk (`/balie`, `/balie/…`) on this site, to lead back to; undefined for any other
 * value. Read as the browser reads it, dot segments resolved (`/balie/../account` is not the desk's).
 */
export function deskPageToReturnTo(value: unknown): string | undefined {
  const url = new URL(localPath(value), `http://${OWN_HOST}`);
  return isDeskPath(url.pathname) ? url.pathname + url.search : undefined;
}


/** A GET's own address is read as one on this made-up host: `//other.example/…` would be on another. */
const OWN_HOST = 'karify.invalid';

/** The start of the desk, for its paths (a query aside), or of the portal. */
const startOf = (path: string) => (isDeskPath(path.split('?')[0]!) ? paths.desk.home : paths.home);

/**
 * The page a form was sent from, as its Referer names it, when that can be the form's page: on this
 * site, in the same part (the desk's or the portal's), and not the site's root, which has no page
 * (Dillo sends the root as every Referer).
 */
function formPage(req: Request): string | undefined {
  const page = pathOn(req.get('host'), req.get('referer'));
  return page && page !== paths.home && startOf(page) === startOf(req.path) ? page : undefined;
}

/**
 * Where the link of a page about a refused or failed request leads, never to another site: a page
 * asked for (GET), that page; a form, the page it was sent from (see formPage; the
 * Referrer-Policy sends it only to this origin), not the form's own address, which may take POST
 * only; else `fallback`, by default the start of the desk or of the portal, which sends each
 * visitor on to their page.
 */
export function pageToReturnTo(req: Request, fallback: string = startOf(req.path)): string {
  const back = req.method === 'GET' || req.method === 'HEAD' ? pathOn(OWN_HOST, req.originalUrl, `http://${OWN_HOST}`) : formPage(req);
  return back ?? fallback;
}

/**
 * The way back of an error page (see pageToReturnTo), which its language link takes too: for a form
 * sent without a Referer, the start page, not the form's address (which may take POST only).
 */
export function errorPageReturn(req: Request, res: Response): string {
  const back = pageToReturnTo(req);
  res.locals.languageReturn = back;
  return back;
}
