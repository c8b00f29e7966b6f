import { expect } from 'chai';
import pino from 'pino';
import { createMailOutbox, type MailOutbox } from '../../../src/domain/mail/mail-outbox';
import { createMailWorker, type MailWorker, type MailWorkerSettings } from '../../../src/domain/mail/mail-worker';
import { createSmtpTransport, type MailTransport } from '../../../src/domain/mail/transport';
import { cryptoRandom, type RandomSource } from '../../../src/domain/random';
import { createUserStore } from '../../../src/domain/users';
import type { Database } from '../../../src/infra/database';
import { TestClock } from '../../support/clock';
import { startSmtpServer, SMTP_USER, type TestSmtpServer } from '../../support/smtp-server';
import { closeTestDatabase, openTestDatabase, TEST_DATABASE } from '../../support/test-database';

const silent = pino({ level: 'silent' });
const SETTINGS: MailWorkerSettings = {
  from: 'Karify <noreply@kliniek.example>',
  pollMs: 3_600_000, // the tests run the worker themselves
  sendTimeoutMs: 3000,
  maxAttempts: 4,
  retryBaseMs: 30_000,
  retryMaxMs: 600_000,
  retentionMs: 30 * 24 * 3_600_000,
};

/** The outbox and worker on the database under test, sending to a real local SMTP server. */
describe(`mail worker: the outbox sent over SMTP, on ${TEST_DATABASE}`, function () {
  this.timeout(30_000);
  let db: Database;
  let clock: TestClock;
  let smtp: TestSmtpServer;
  let outbox: MailOutbox;
  let userId: number;
  const workers: MailWorker[] = [];

  type WorkerOptions = { settings?: Partial<MailWorkerSettings>; url?: string; random?: RandomSource; transport?: MailTransport; outbox?: MailOutbox; logger?: pino.Logger };
  function worker(options: WorkerOptions = {}): MailWorker {
    const settings = { ...SETTINGS, ...options.settings };
    const transport = options.transport ?? createSmtpTransport({ url: options.url ?? smtp.url, timeoutMs: settings.sendTimeoutMs });
    const created = createMailWorker({ outbox: options.outbox ?? outbox, transport, clock, random: options.random ?? cryptoRandom, logger: options.logger ?? silent, settings });
    workers.push(created);
    return created;
  }

  const queue = (n = 1) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        outbox.enqueue({ userId, kind: 'password_changed', to: 'anna@example.nl', language: 'nl', subject: `Je wachtwoord is gewijzigd ${i}`, text: `Beste Anna,\n\nmail ${i}\n` }),
      ),
    );
  const rows = () => db('mail_outbox').orderBy('id');

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    smtp = await startSmtpServer();
    outbox = createMailOutbox({ db, clock, random: cryptoRandom });
    userId = (await createUserStore(db, clock).create({ email: 'anna@example.nl', name: 'Anna', passwordHash: 'x' })).id;
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await smtp.stop();
    await closeTestDatabase(db);
  });

  it('sends a queued mail over SMTP as text, with the login from the URL, and marks it sent', async () => {
    await queue();
    expect(await worker().runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
    const [mail] = smtp.messages;
    expect(mail!.to).to.deep.equal(['anna@example.nl']);
    expect(mail!.from).to.equal('noreply@kliniek.example');
    expect(mail!.user, 'authenticated with the user in SMTP_URL').to.equal(SMTP_USER);
    expect(mail!.subject).to.equal('Je wachtwoord is gewijzigd 0');
    expect(mail!.text).to.equal('Beste Anna,\n\nmail 0\n');
    expect(mail!.raw).to.match(/^Content-Type: text\/plain; charset=utf-8/im).and.not.match(/text\/html/i);
    expect(mail!.headers.get('auto-submitted')).to.equal('auto-generated');
    const [row] = await rows();
    expect(mail!.messageId).to.equal(`<${row.message_id}@kliniek.example>`);
    expect(row).to.include({ status: 'sent', attempts: 1, last_error: null, claim_token: null });
    expect(Number(row.sent_at)).to.equal(clock.now());
  });

  it('keeps the mail while the SMTP server is down, and sends it once after it is back', async () => {
    await queue();
    await smtp.down();
    const w = worker({ random: { int: (max) => max - 1, bytes: cryptoRandom.bytes } }); // the longest jitter
    expect(await w.runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    let [row] = await rows();
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row.last_error).to.match(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    expect(Number(row.next_attempt_at)).to.equal(clock.now() + 30_000);

    await smtp.up();
    expect(await w.runOnce(), 'not due yet').to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    clock.advance(30_000);
    expect(await w.runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
    expect(await w.runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).to.have.length(1);
    [row] = await rows();
    expect(row).to.include({ status: 'sent', attempts: 2 });
  });

  it('waits twice as long after every failure, with jitter, up to the maximum', async () => {
    await queue();
    await smtp.down();
    const w = worker({ settings: { maxAttempts: 10, retryMaxMs: 200_000 }, random: { int: () => 0, bytes: cryptoRandom.bytes } }); // the shortest jitter: half
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await w.runOnce();
      const [row] = await rows();
      waits.push(Number(row.next_attempt_at) - clock.now());
      clock.advance(Number(row.next_attempt_at) - clock.now());
    }
    expect(waits).to.deep.equal([15_000, 30_000, 60_000, 100_000, 100_000]);
  });

  it('tries again after a 4xx reply, as SMTP says, and delivers', async () => {
    await queue();
    smtp.replyNext(451, 'Requested action aborted: local error in processing');
    const w = worker();
    expect(await w.runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    expect((await rows())[0].last_error).to.include('451');
    clock.advance(60_000);
    expect(await w.runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.messages).to.have.length(1);
  });

  it('tries again after a 4xx reply to the message itself, too', async () => {
    await queue();
    smtp.replyNext(452, 'Insufficient system storage', { at: 'data' });
    const w = worker();
    expect(await w.runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    clock.advance(60_000);
    expect(await w.runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
  });

  it('marks a mail failed at once on a 5xx reply, keeping the reply for the clinic', async () => {
    await queue();
    smtp.replyNext(550, 'Mailbox unavailable');
    expect(await worker().runOnce()).to.deep.equal({ sent: 0, retried: 0, failed: 1 });
    const [row] = await rows();
    expect(row).to.include({ status: 'failed', attempts: 1 });
    expect(row.last_error).to.include('550').and.include('Mailbox unavailable');
    clock.advance(24 * 3600_000);
    expect(await worker().runOnce(), 'never tried again').to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).to.have.length(0);
  });

  it('deletes sent and failed mails once they are past their retention, never one still to be sent', async () => {
    const DAY = 24 * 3_600_000;
    const w = worker();
    await queue(); // sent
    await w.runOnce();
    await queue(); // failed for good
    smtp.replyNext(550, 'Mailbox unavailable');
    await w.runOnce();
    clock.advance(29 * DAY);
    await smtp.down();
    await queue(); // waiting for the server
    await w.runOnce();
    expect((await rows()).map((r) => r.status)).to.deep.equal(['sent', 'failed', 'pending']);

    clock.advance(DAY + 1);
    await w.runOnce();
    expect((await rows()).map((r) => r.status), 'the two finished ones are 30 days old').to.deep.equal(['pending']);
    clock.advance(60 * DAY);
    await w.runOnce();
    expect((await rows()).map((r) => r.status), 'a mail still to be sent is never deleted').to.deep.equal(['pending']);
  });

  it('tries again when the server refuses our login (535): a setting to fix, not a reason to drop the mail', async () => {
    await queue();
    const wrongLogin = smtp.url.replace(':secret@', ':wrong@');
    expect(await worker({ url: wrongLogin }).runOnce()).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    const [row] = await rows();
    expect(row).to.include({ status: 'pending' });
    expect(row.last_error).to.include('EAUTH').and.include('535');
    expect(row.last_error, 'no password in the error').not.to.include('wrong');
  });

  it('marks a mail failed after the last attempt', async () => {
    await queue();
    await smtp.down();
    const w = worker();
    for (let attempt = 1; attempt <= SETTINGS.maxAttempts; attempt += 1) {
      await w.runOnce();
      clock.advance(SETTINGS.retryMaxMs);
    }
    const [row] = await rows();
    expect(row).to.include({ status: 'failed', attempts: SETTINGS.maxAttempts });
  });

  it('gives up on a server that never answers after the send timeout, and tries again later', async () => {
    await queue();
    smtp.stallNext();
    const started = Date.now();
    const result = await worker({ settings: { sendTimeoutMs: 500 } }).runOnce();
    expect(Date.now() - started).to.be.below(5000);
    expect(result).to.deep.equal({ sent: 0, retried: 1, failed: 0 });
    expect((await rows())[0].status).to.equal('pending');
  });

  it('sends over TLS from the start for an smtps:// URL', async () => {
    const tls = await startSmtpServer({ secure: true });
    try {
      await queue();
      expect(await worker({ url: `${tls.url}/?tls.rejectUnauthorized=false` }).runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
      expect(tls.messages[0]!.secure).to.equal(true);
      expect(smtp.messages).to.have.length(0);
    } finally {
      await tls.stop();
    }
  });

  it('leaves a mail claimed by a worker that died to its lease, then sends it once', async () => {
    await queue();
    const dead = await outbox.claim(60_000); // claimed, then the process died
    expect(dead).to.not.equal(null);
    const w = worker();
    expect(await w.runOnce(), 'still leased').to.deep.equal({ sent: 0, retried: 0, failed: 0 });
    clock.advance(60_000);
    expect(await w.runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
    expect(await outbox.markSent(dead!), 'the dead claim records nothing').to.equal(false);
    const [row] = await rows();
    expect(row).to.include({ status: 'sent', attempts: 2 });
    expect(smtp.messages).to.have.length(1);
  });

  it('two workers on one database send each of 30 mails exactly once', async () => {
    await queue(30);
    const a = worker();
    const b = worker();
    const results = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).to.equal(30);
    const subjects = smtp.messages.map((m) => m.subject).sort();
    expect(subjects).to.have.length(30);
    expect(new Set(subjects).size).to.equal(30);
    expect((await rows()).every((row) => row.status === 'sent' && row.attempts === 1)).to.equal(true);
  });

  it('stops in the middle of a send: the mail is waiting again, and the next worker sends it', async () => {
    await queue();
    smtp.stallNext();
    const w = worker({ settings: { sendTimeoutMs: 60_000 } });
    const running = w.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await w.stop();
    expect(Date.now() - started, 'the send was broken off').to.be.below(5000);
    await running;
    expect((await rows())[0]).to.include({ status: 'pending' });
    expect(await worker().runOnce()).to.deep.equal({ sent: 1, retried: 0, failed: 0 });
  });

  /** A logger whose lines are kept, parsed. */
  function loggedLines(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = [];
    return { lines, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
  }

  it('says in the log why a mail was not sent: the codes of a reply (which may quote the address), or the connection\'s error', async () => {
    const { logger, lines } = loggedLines();
    await queue();
    smtp.replyNext(450, 'Mailbox busy: <anna@example.nl>');
    await worker({ logger }).runOnce();
    const retried = lines.find((line) => line.msg === 'security alert mail not sent; will try again');
    expect(retried).to.include({ reason: 'EENVELOPE 450' });
    expect(JSON.stringify(lines), 'no address in the log').not.to.include('anna@example.nl');

    clock.advance(3_600_000);
    await worker({ logger, url: 'smtp://127.0.0.1:1' }).runOnce();
    expect(lines.filter((line) => line.msg === 'security alert mail not sent; will try again').at(-1)?.reason).to.match(/ECONNREFUSED/);
  });

  it('says once that the outbox cannot be reached, however long it lasts, and when it can be again', async () => {
    const { logger, lines } = loggedLines();
    let down = true;
    const flaky: MailOutbox = { ...outbox, claim: (leaseMs) => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : outbox.claim(leaseMs)) };
    const w = worker({ settings: { pollMs: 20 }, outbox: flaky, logger });
    w.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // some ten polls
    down = false;
    await queue();
    await smtp.waitFor(1);
    await w.stop();
    const said = lines.map((line) => line.msg).filter((msg) => typeof msg === 'string' && msg.startsWith('mail outbox'));
    expect(said).to.deep.equal(['mail outbox not reachable; trying again until it is', 'mail outbox reachable again']);
  });

  it('sends in the background once started, and nothing runs after stop', async () => {
    const w = worker({ settings: { pollMs: 50 } });
    w.start();
    await queue(2);
    await smtp.waitFor(2);
    await w.stop();
    await queue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages).to.have.length(2);
  });
});
