import express, { type RequestHandler, type Response } from 'express';

export interface FieldError {
  field: string;
  message: string;
}

// C0/C1 control characters other than tab, line feed and carriage return, and the bidirectional
// embedding, override and isolate controls, which reorder what is shown.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * body-parser `verify` for form bodies: the bytes and every %-escape must be UTF-8. Otherwise the
 * parser would keep U+FFFD or the undecoded escapes as if the patient had typed them.
 */
function verifyFormEncoding(_req: unknown, _res: unknown, body: Buffer): void {
  try {
    const text = utf8.decode(body);
    for (const pair of text.split('&')) decodeURIComponent(pair.replace(/\+/g, ' '));
  } catch {
    throw Object.assign(new Error('form body is not valid UTF-8'), { status: 400, type: 'encoding.invalid' });
  }
}

/** Form bodies as every page reads them: size-limited (a Dutch 413 page beyond), UTF-8 only. */
export function formBodies(bodyLimitBytes: number): RequestHandler {
  return express.urlencoded({ extended: false, limit: bodyLimitBytes, parameterLimit: 50, verify: verifyFormEncoding });
}

/**
 * The text of a textarea as it was typed: trimmed, each line break one character (browsers send
 * it as CR LF, which would count twice against a length the page promises, and be kept so).
 */
export const typedText = (value: string): string => value.replace(/\r\n?/g, '\n').trim();

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/**
 * Takes the named fields from a parsed form body. Anything that is not a single string (a
 * missing field, a repeated field, `field[]=…`, a body that was not a form) becomes '' so the
 * usual "fill this in" message appears instead of an error.
 */
export function readFields<T extends string>(body: unknown, names: readonly T[]): Record<T, string> {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fields = {} as Record<T, string>;
  for (const name of names) {
    const value = Object.prototype.hasOwnProperty.call(source, name) ? source[name] : undefined;
    fields[name] = typeof value === 'string' ? value : '';
  }
  return fields;
}

/** The error contract: 400, the form again with what was typed (minus secrets) and the messages. */
export function renderFormErrors(
  res: Response,
  view: string,
  errors: FieldError[],
  values: Record<string, string>,
  locals: Record<string, unknown> = {},
  status = 400,
): void {
  res.status(status).render(view, { ...locals, errors, values });
}
