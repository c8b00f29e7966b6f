import type { Knex } from 'knex';

// Security alerts by e-mail, written in the same transaction as the change they announce and sent
// afterwards by the mail worker (src/domain/mail/). The text is composed when the row is written, so
// the mail says what happened at that moment; it never holds a code, link token or full phone number.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mail_outbox', (t) => {
    t.increments('id').primary();
    t.integer('user_id').nullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('kind', 60).notNullable();
    t.string('to_address', 254).notNullable();
    t.string('language', 5).notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.string('message_id', 200).notNullable(); // the Message-ID header, the same on every attempt
    t.string('status', 10).notNullable(); // pending | sending | sent | failed
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('claimed_until').nullable(); // while sending: the lease of the worker that claimed it
    t.string('claim_token', 40).nullable();
    t.string('last_error', 300).nullable(); // the SMTP reply or connection error, never the mail itself
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at').nullable();
    t.bigInteger('failed_at').nullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('mail_outbox');
}
