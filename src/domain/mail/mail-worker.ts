import type { Logger } from '../../infra/logger';
import type { Clock } from '../clock';
import type { RandomSource } from '../random';
import type { ClaimedMail, MailOutbox } from './mail-outbox';
import { MailSendError, type MailTransport } from './transport';

export interface MailWorkerSettings {
  from: string;
  /** How often the outbox is looked at when there was nothing to send. */
  pollMs: number;
  /** A whole send gives up after this long. */
  sendTimeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sent and failed mails are deleted this long after they were queued. */
  retentionMs: number;
}

/** How often a worker deletes what is past its retention (each instance; deleting twice is harmless). */
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface MailWorkerDeps {
  outbox: MailOutbox;
  transport: MailTransport;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  settings: MailWorkerSettings;
}

export interface MailRunResult {
  sent: number;
  retried: number;
  failed: number;
}

/** The right part of the Message-ID: the sender's domain. */
function messageIdDomain(from: string): string {
  return /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'karify.localhost';
}

export type MailWorker = ReturnType<typeof createMailWorker>;

/**
 * Sends what the outbox holds, one mail at a time, in the app (the server starts it; the admin
 * command does not). A mail is claimed for a lease longer than a send may take, so another
 * instance never takes it while it is on its way; if this process dies meanwhile, the lease runs
 * out and any instance (or this one, restarted) sends it. A refused or undelivered mail is tried
 * again with exponential back-off and jitter, until the SMTP reply refuses it for good or the
 * attempts run out: then it is marked failed, for the clinic to see (`list-mail --failed`).
 */
export function createMailWorker(deps: MailWorkerDeps) {
  const { outbox, transport, clock, random, settings } = deps;
  const logger = deps.logger.child({ component: 'mail' });
  const domain = messageIdDomain(settings.from);
  // Room for the send and for recording its result; the send itself is cut off at sendTimeoutMs.
  const leaseMs = 2 * settings.sendTimeoutMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<MailRunResult> = Promise.resolve({ sent: 0, retried: 0, failed: 0 });
  let stopping = false;
  let current: AbortController | undefined;
  let lastPurgeAt = -Infinity;
  let outboxDown = false; // said once per outage, not at every poll

  async function purgeOldMail(): Promise<void> {
    const now = clock.now();
    if (now - lastPurgeAt < PURGE_EVERY_MS) return;
    lastPurgeAt = now;
    const deleted = await outbox.deleteFinishedBefore(now - settings.retentionMs);
    if (deleted > 0) logger.info({ deleted }, 'old security alert mails deleted');
  }

  /** Exponential, capped, with half of it random ("equal jitter"), so retries after an outage spread out. */
  function retryDelayMs(attempt: number): number {
    const exponential = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
    const half = Math.floor(exponential / 2);
    return half + random.int(half + 1);
  }

  async function deliver(mail: ClaimedMail, result: MailRunResult): Promise<void> {
    current = new AbortController();
    const log = { mailId: mail.id, userId: mail.userId, kind: mail.kind, attempt: mail.attempts };
    try {
      await transport.send({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${mail.messageId}@${domain}>`, signal: current.signal });
    } catch (err) {
      const problem = err instanceof MailSendError ? err : new MailSendError(false, String(err));
      if (stopping) {
        await outbox.markRetry(mail, clock.now(), 'stopped before the mail was sent');
        return;
      }
      if (problem.permanent || mail.attempts >= settings.maxAttempts) {
        await outbox.markFailed(mail, problem.detail);
        result.failed += 1;
        logger.error({ ...log, reason: problem.reason, permanent: problem.permanent }, 'security alert mail failed for good');
        return;
      }
      const nextAttemptAt = clock.now() + retryDelayMs(mail.attempts);
      await outbox.markRetry(mail, nextAttemptAt, problem.detail);
      result.retried += 1;
      logger.warn({ ...log, reason: problem.reason, nextAttemptAt }, 'security alert mail not sent; will try again');
      return;
    } finally {
      current = undefined;
    }
    if (!(await outbox.markSent(mail))) logger.warn(log, 'mail sent after its lease ran out');
    result.sent += 1;
    logger.info(log, 'security alert mail sent');
  }

  async function drain(): Promise<MailRunResult> {
    const result: MailRunResult = { sent: 0, retried: 0, failed: 0 };
    await purgeOldMail();
    while (!stopping) {
      const mail = await outbox.claim(leaseMs);
      if (!mail) break;
      await deliver(mail, result);
    }
    return result;
  }

  /** Runs after the run in progress, if any: runs never overlap in one worker. */
  function run(): Promise<MailRunResult> {
    running = running.catch(() => undefined).then(drain);
    return running;
  }

  function schedule(ms: number): void {
    if (stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      run()
        .then(() => {
          if (outboxDown) logger.info('mail outbox reachable again');
          outboxDown = false;
        })
        .catch((err: unknown) => {
          if (!outboxDown) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'mail outbox not reachable; trying again until it is');
          outboxDown = true;
        })
        .finally(() => schedule(settings.pollMs));
    }, ms);
    timer.unref();
  }

  return {
    /** Sends every mail that is due now; resolves with what happened. */
    runOnce: run,

    /** Looks at the outbox every `pollMs`, the first time `pollMs` from now. */
    start(): void {
      stopping = false;
      if (!timer) schedule(settings.pollMs);
    },

    /** Stops polling, breaks off a send in progress (that mail is tried again later), and waits for the run to end. */
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      current?.abort();
      await running.catch(() => undefined);
      transport.close();
    },
  };
}
