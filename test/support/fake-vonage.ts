import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeVonageMessage {
  to: string;
  from: string;
  text: string;
  apiKey: string;
}

export interface FakeVonage {
  url: string; // use as restHost
  /** Messages Vonage accepted (status "0"). */
  messages: FakeVonageMessage[];
  /** The next `count` sends (default 1) are answered with this Vonage status. */
  failNext(status: string, count?: number): void;
  /** The next request is answered only after `ms`. */
  delayNext(ms: number): void;
  /** The next request is answered with this HTTP status. */
  failHttp(status: number): void;
  /** Closes the server: later sends find the port refusing connections. */
  stop(): Promise<void>;
}

// Vonage's error texts for the SMS API statuses.
const ERROR_TEXTS: Record<string, string> = {
  '1': 'Throttled',
  '2': 'Missing params',
  '3': 'Invalid params',
  '4': 'Bad Credentials',
  '5': 'Internal Error',
  '6': 'Invalid Message',
  '7': 'Number barred.',
  '8': 'Partner account barred.',
  '9': 'Partner quota violation.',
  '15': 'Illegal Sender Address - rejected',
  '29': 'Non-Whitelisted Destination',
  '33': 'Number De-activated',
};

/** Reads credentials the way Vonage accepts them: HTTP Basic, or api_key/api_secret in the body. */
function credentialsOf(req: http.IncomingMessage, body: Record<string, string>) {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (match) {
    const [apiKey = '', ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
    return { apiKey, apiSecret: rest.join(':') };
  }
  return { apiKey: body['api_key'] ?? '', apiSecret: body['api_secret'] ?? '' };
}

function parseBody(req: http.IncomingMessage, raw: string): Record<string, string> {
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    const data = JSON.parse(raw || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** A local stand-in for Vonage's `POST /sms/json`, as the @vonage/sms SDK talks to it. */
export async function startFakeVonage(credentials = { apiKey: 'test-key', apiSecret: 'test-secret' }): Promise<FakeVonage> {
  const messages: FakeVonageMessage[] = [];
  const failures: string[] = [];
  let delayMs = 0;
  let httpFailure: number | undefined;

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const delay = delayMs;
      delayMs = 0;
      const reply = (status: number, payload: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const respond = () => {
        if (httpFailure !== undefined) {
          const status = httpFailure;
          httpFailure = undefined;
          return reply(status, { type: 'https://developer.nexmo.com/api-errors', title: http.STATUS_CODES[status] });
        }
        if (req.method !== 'POST' || req.url?.split('?')[0] !== '/sms/json') return reply(404, { title: 'Not Found' });
        let body: Record<string, string>;
        try {
          body = parseBody(req, raw);
        } catch {
          return reply(400, { title: 'Bad Request' });
        }
        const error = (status: string) =>
          reply(200, { 'message-count': '1', messages: [{ status, 'error-text': ERROR_TEXTS[status] ?? 'Unknown error' }] });
        const { apiKey, apiSecret } = credentialsOf(req, body);
        if (apiKey !== credentials.apiKey || apiSecret !== credentials.apiSecret) return error('4');
        if (!body['to'] || !body['from'] || !body['text']) return error('2');
        const failure = failures.shift();
        if (failure !== undefined) return error(failure);
        messages.push({ to: body['to'], from: body['from'], text: body['text'], apiKey });
        reply(200, {
          'message-count': '1',
          messages: [
            {
              to: body['to'],
              'message-id': crypto.randomBytes(8).toString('hex').toUpperCase(),
              status: '0',
              'remaining-balance': '10.0',
              'message-price': '0.07',
              network: '20416',
            },
          ],
        });
      };
      if (delay > 0) setTimeout(respond, delay).unref();
      else respond();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let stopped = false;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    failNext(status, count = 1) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    delayNext(ms) {
      delayMs = ms;
    },
    failHttp(status) {
      httpFailure = status;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
