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

/**
 * A page of the desk (`/balie`, `/balie/…`) on this site, to lead back to; undefined for any other
 * value. Read as the browser reads it, dot segments resolved (`/balie/../account` is not the desk's).
 */
export function deskPageToReturnTo(value: unknown): string | undefined {
  const url = new URL(localPath(value), `http://${OWN_HOST}`);
  const onDesk = url.pathname === paths.desk.home || url.pathname.startsWith(`${paths.desk.home}/`);
  return onDesk ? url.pathname + url.search : undefined;
}

/** A GET's own address is read as one on this made-up host: `//other.example/…` would be on another. */
const OWN_HOST = 'karify.invalid';

/** The start of the desk, for its paths, or of the portal. */
const startOf = (req: Request) => (req.path === paths.desk.home || req.path.startsWith(`${paths.desk.home}/`) ? paths.desk.home : paths.home);

/**
 * Where the link of a page about a refused or failed request leads, never to another site: a page
 * asked for (GET), that page; a form, the page it was sent from when that is this site's (the
 * Referrer-Policy sends it only to this origin), not the form's own address, which may take POST
 * only; else `fallback`, by default the start of the desk or of the portal, which sends each
 * visitor on to their page.
 */
export function pageToReturnTo(req: Request, fallback: string = startOf(req)): string {
  const back =
    req.method === 'GET' || req.method === 'HEAD'
      ? pathOn(OWN_HOST, req.originalUrl, `http://${OWN_HOST}`)
      : pathOn(req.get('host'), req.get('referer'));
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
