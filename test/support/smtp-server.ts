import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freeLoopbackPort } from './redis-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The whole message as it came over the wire. */
  raw: string;
  messageId: string;
  headers: Map<string, unknown>;
  /** Whether the connection it came over was TLS. */
  secure: boolean;
  /** The user it authenticated as, if any. */
  user?: string;
}

export interface TestSmtpServer {
  /** smtp://karify:secret@127.0.0.1:<port> (smtps:// for a TLS server; its certificate is self-signed). */
  url: string;
  port: number;
  /** Mails the server accepted, in order. */
  messages: ReceivedMail[];
  /** The next `count` mails are refused with this SMTP reply (at RCPT TO, or after the data). */
  replyNext(code: number, text: string, options?: { count?: number; at?: 'rcpt' | 'data' }): void;
  /** The next connection gets no greeting: the client must give up by itself. */
  stallNext(): void;
  /** Closes the port: sends find it refusing connections. `up()` opens it again. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves once `count` mails have arrived in all. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export const SMTP_USER = 'karify';
export const SMTP_PASSWORD = 'secret';

interface Refusal {
  code: number;
  text: string;
  at: 'rcpt' | 'data';
}

const refusal = (r: Refusal) => Object.assign(new Error(r.text), { responseCode: r.code });

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port, for nodemailer in the
 * app to talk to as to any mail server: it authenticates, takes the message over SMTP, and
 * answers what the test asks for.
 */
export async function startSmtpServer(options: { secure?: boolean } = {}): Promise<TestSmtpServer> {
  const port = await freeLoopbackPort();
  const messages: ReceivedMail[] = [];
  const refusals: Refusal[] = [];
  const waiters: Array<() => void> = [];
  let stall = false;
  let server: SMTPServer | undefined;
  let stopped = false;

  const take = (at: Refusal['at']) => (refusals[0]?.at === at ? refusals.shift() : undefined);

  const create = () =>
    new SMTPServer({
      secure: options.secure ?? false,
      hideSTARTTLS: true, // smtp:// stays plain here; TLS is tested with smtps://
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      closeTimeout: 200,
      onConnect(_session, callback) {
        if (stall) {
          stall = false;
          return; // no greeting, ever
        }
        callback();
      },
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(_address, _session, callback) {
        const refused = take('rcpt');
        callback(refused ? refusal(refused) : undefined);
      },
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refused = take('data');
          if (refused) return callback(refusal(refused));
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              messages.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                raw,
                messageId: parsed.messageId ?? '',
                headers: parsed.headers,
                secure: session.secure,
                user: typeof session.user === 'string' ? session.user : undefined,
              });
              callback();
              for (const wake of waiters.splice(0)) wake();
            },
            (err: Error) => callback(err),
          );
        });
      },
    });

  const up = async () => {
    if (stopped) throw new Error('this SMTP server was stopped for good');
    if (server) return;
    const next = create();
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    server = next;
  };
  const down = async () => {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await up();

  return {
    url: `${options.secure ? 'smtps' : 'smtp'}://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    port,
    messages,
    replyNext(code, text, { count = 1, at = 'rcpt' } = {}) {
      for (let i = 0; i < count; i += 1) refusals.push({ code, text, at });
    },
    stallNext() {
      stall = true;
    },
    down,
    up,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} mails, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    async stop() {
      if (stopped) return;
      await down();
      stopped = true;
    },
  };
}
