/** A character a path may hold as it is (RFC 3986), or a percent-encoded one; a query may also hold "?". */
const PATH_CHARACTER = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})`;
const QUERY_CHARACTER = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})`;

/**
 * Only a page on this site may be returned to: a path that starts with one "/" (not "//" or "/\\",
 * which a browser reads as another host), with its query if it has one ("/werkblad/opdracht/1",
 * "/pagina%20weg", "/account/bevestigen?terug=%2Faccount%2Fwachtwoord"). No backslash, whitespace
 * or control character: browsers drop tabs and newlines from a URL, which could turn "/\t/x" into "//x".
 */
const LOCAL_PATH = new RegExp(String.raw`^/(?![/\\])${PATH_CHARACTER}*(?:\?${QUERY_CHARACTER}*)?$`);
const MAX_PATH_LENGTH = 2000;

export function localPath(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_PATH_LENGTH && LOCAL_PATH.test(value) ? value : '/';
}
