/**
 * Only a path on this site may be returned to: it starts with one "/" (not "//" or "/\\", which a
 * browser reads as another host) and holds only characters a path may hold as they are, or
 * percent-encoded ones ("/werkblad/opdracht/1", "/pagina%20weg"). No backslash, whitespace or
 * control character: browsers drop tabs and newlines from a URL, which could turn "/\t/x" into "//x".
 */
const LOCAL_PATH = /^\/(?![/\\])(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
const MAX_PATH_LENGTH = 2000;

export function localPath(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_PATH_LENGTH && LOCAL_PATH.test(value) ? value : '/';
}
