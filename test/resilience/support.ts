import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { FakeVonage } from '../support/two-factor';

/** The 6-digit code in the newest SMS the fake Vonage server received for `phone` (E.164). */
export function codeFor(vonage: FakeVonage, phone: string): string {
  const to = phone.replace(/^\+/, ''); // Vonage gets the number without '+'
  const message = vonage.messages.filter((m) => m.to === to).at(-1);
  const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
  if (!code) throw new Error(`no SMS with a code was received for ${phone}`);
  return code;
}

/** How many SMS the fake Vonage server accepted for `phone` (E.164). */
export function smsCountFor(vonage: FakeVonage, phone: string): number {
  const to = phone.replace(/^\+/, '');
  return vonage.messages.filter((m) => m.to === to).length;
}

export interface HttpResult {
  status: number;
  location: string | null;
  text: string;
}

/**
 * One browser over real HTTP (undici's fetch): its own cookie jar, redirects not followed, so
 * every hop is visible to the test.
 */
export class CookieClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async request(path: string, init: RequestInit): Promise<HttpResult> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    this.remember(response);
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  get(path: string): Promise<HttpResult> {
    return this.request(path, { method: 'GET' });
  }

  post(path: string, fields: Record<string, string>): Promise<HttpResult> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The app on a real port on the loopback interface. */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The q-th quantile (0..1) of some numbers, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Wall-clock wait (the SQL/Redis rate limiters run on real time, not on the test clock). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
