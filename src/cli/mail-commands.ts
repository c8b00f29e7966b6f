import type { OutboxMail } from '../domain/mail/mail-outbox';
import { command } from './command';
import { dateTimeFormatter, timesIn } from './dates';
import { formatTable, type Column } from './table';
import { CommandFailure } from './args';
import { validId, validLimit } from './validation';

const DEFAULT_LIMIT = 50;

function mailColumns(timeZone: string): Column<OutboxMail>[] {
  const when = dateTimeFormatter(timeZone);
  const outcome = (mail: OutboxMail) => {
    if (mail.status === 'sent' && mail.sentAt !== null) return `sent ${when(mail.sentAt)}`;
    if (mail.status === 'failed') return mail.lastError ?? '';
    if (mail.status === 'pending' && mail.attempts > 0) return `next try ${when(mail.nextAttemptAt)}: ${mail.lastError ?? ''}`;
    return '';
  };
  return [
    { header: 'ID', value: (mail) => String(mail.id) },
    { header: 'Written', value: (mail) => when(mail.createdAt) },
    { header: 'To', value: (mail) => mail.to },
    { header: 'Alert', value: (mail) => mail.kind },
    { header: 'Status', value: (mail) => mail.status },
    { header: 'Attempts', value: (mail) => String(mail.attempts) },
    { header: 'Outcome', value: outcome },
  ];
}

export const retryMail = command({
  name: 'retry-mail',
  summary: 'Send failed security alert e-mails again, once the cause is fixed: every failed one, or --id ID.',
  options: [],
  optional: ['id'],
  async run(options, env) {
    const id = options.id === undefined ? undefined : validId(options.id);
    const { mailOutbox } = await env.services();
    const count = await mailOutbox.retryFailed(id);
    if (count === 0 && id !== undefined) throw new CommandFailure(`No failed e-mail has the ID ${id}.`);
    // Nothing failed is not a failure: a scheduled `retry-mail` then exits 0.
    if (count === 0) return env.print('No e-mail has failed; nothing to send again.');
    env.print(`${count === 1 ? '1 e-mail is' : `${count} e-mails are`} waiting to be sent again; the app sends ${count === 1 ? 'it' : 'them'} within MAIL_POLL_SECONDS (check with list-mail).`);
  },
});

export const listMail = command({
  name: 'list-mail',
  summary: `Show the security alert e-mails, newest first (default ${DEFAULT_LIMIT}); --failed: only those that could not be sent.`,
  options: [],
  optional: ['limit'],
  flags: ['failed'],
  async run(options, env) {
    const limit = options.limit === undefined ? DEFAULT_LIMIT : validLimit(options.limit);
    const { mailOutbox } = await env.services();
    const failedOnly = options.failed === 'true';
    const mails = await mailOutbox.list({ status: failedOnly ? 'failed' : undefined, limit });
    const counts = await mailOutbox.countByStatus();
    const summary = `${counts.pending} waiting, ${counts.sending} being sent, ${counts.sent} sent, ${counts.failed} failed.`;
    if (mails.length === 0) {
      env.print(`${failedOnly ? 'No e-mail has failed.' : 'No e-mail has been written yet.'} ${summary}`);
      return;
    }
    env.print(`${formatTable(mailColumns(env.timeZone), mails)}\n\n${summary}\n${timesIn(env.timeZone)}`);
  },
});
