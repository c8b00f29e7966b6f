import type { FakeVonage } from '../test/support/fake-vonage';

/**
 * Production cookies are Secure and __Host- prefixed, and the app (TRUST_PROXY=true) believes a
 * request is HTTPS only when a proxy says so: every bench request carries this header.
 */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' } as const;

/** Cookies by hand: name=value pairs from Set-Cookie, sent back as one Cookie header. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(from?: CookieJar) {
    if (from) for (const [name, value] of from.cookies) this.cookies.set(name, value);
  }

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(line);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface Reply {
  status: number;
  location: string | null;
  text: string;
}

/** One request as a browser behind a TLS proxy makes it, without following redirects. */
export async function send(base: string, path: string, jar: CookieJar, form?: Record<string, string>): Promise<Reply> {
  const headers: Record<string, string> = { ...PROXY_HEADERS };
  const cookie = jar.header();
  if (cookie) headers.cookie = cookie;
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(base + path, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  jar.store(res.headers.getSetCookie());
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('page has no CSRF token');
  return match[1];
}

export interface Visitor {
  jar: CookieJar;
  csrf: string;
}

/** A page with a form and the CSRF token of its session (a new one when the jar has none). */
export async function formPage(base: string, path: string, jar = new CookieJar()): Promise<Visitor> {
  const page = await send(base, path, jar);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
  return { jar, csrf: csrfTokenOf(page.text) };
}

/** A new visitor: the session the sign-in page makes for its form, and the form's token. */
export const visitor = (base: string): Promise<Visitor> => formPage(base, '/inloggen');

/**
 * The password step as a new visitor makes it (the token belongs to the visitor's session, which
 * the sign-in replaces); returns the jar with the new session cookie and where the app sends us.
 */
export async function passwordStep(base: string, email: string, password: string, from?: Visitor) {
  const { jar, csrf } = from ?? (await visitor(base));
  const reply = await send(base, '/inloggen', jar, { _csrf: csrf, email, password });
  if (reply.status !== 302) throw new Error(`POST /inloggen for ${email} answered ${reply.status}, expected 302`);
  return { jar, location: reply.location };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The latest SMS code per phone number (E.164), read from the fake Vonage server's messages. */
export function codeBook(fake: FakeVonage) {
  const latest = new Map<string, string>();
  let seen = 0;
  return (phone: string): string => {
    for (; seen < fake.messages.length; seen += 1) {
      const message = fake.messages[seen]!;
      const code = /\b(\d{6})\b/.exec(message.text)?.[1];
      if (code) latest.set(`+${message.to.replace(/^\+/, '')}`, code);
    }
    const code = latest.get(phone);
    if (!code) throw new Error(`no SMS was sent to ${phone}`);
    return code;
  };
}
