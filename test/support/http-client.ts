import net from 'node:net';

/**
 * A tiny browser stand-in over real HTTP: one cookie jar that can talk to several app
 * instances (as a load balancer without sticky sessions would send it), no redirects followed.
 */
export class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  /** Another jar holding the same cookies now (a copy of the request an attacker replays). */
  copy(): HttpClient {
    const twin = new HttpClient(this.headers);
    for (const [name, value] of this.cookies) twin.cookies.set(name, value);
    return twin;
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!);
      else this.cookies.set(name!, value ?? '');
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<{ status: number; location: string | null; text: string }> {
    const response = await fetch(url, { redirect: 'manual', headers: { ...this.headers, cookie: this.cookieHeader() } });
    this.remember(response);
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  /** `headers`: more, e.g. the X-CSRF-Token a script sends. */
  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; location: string | null; text: string }> {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.headers, ...headers, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  /** GETs the page, then posts its form with the page's CSRF token. */
  async submit(pageUrl: string, fields: Record<string, string>, actionUrl = pageUrl) {
    const page = await this.get(pageUrl);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no form on ${pageUrl} (status ${page.status})`);
    return this.post(actionUrl, { _csrf: token, ...fields });
  }
}

export async function listen(app: import('express').Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
export function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}
