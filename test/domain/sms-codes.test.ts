import { expect } from 'chai';
import type { SmsConfig } from '../../src/config';
import { cryptoRandom } from '../../src/domain/random';
import { createSmsCodeService, type SmsCodeService } from '../../src/domain/sms-codes';
import type { SmsMessage, SmsResult, SmsSender } from '../../src/domain/sms/sms-sender';
import { createVerificationCodes, type VerificationCodes } from '../../src/domain/verification-codes';
import type { Database } from '../../src/infra/database';
import { openTestDatabase } from '../support/test-database';
import { createLimiterFactory } from '../../src/infra/rate-limits';
import { TestClock } from '../support/clock';

/** Records what it "sends"; queued results make the next sends fail. */
class FakeSender implements SmsSender {
  sent: SmsMessage[] = [];
  failures: SmsResult[] = [];
  async send(message: SmsMessage): Promise<SmsResult> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const failure = this.failures.shift();
    if (failure?.ok === false && failure.reason === 'timeout') this.sent.push(message); // it went out, the answer did not come
    if (failure) return failure;
    this.sent.push(message);
    return { ok: true, messageId: `m${this.sent.length}` };
  }
  codeOf(index: number): string {
    return /(\d{6})/.exec(this.sent[index]!.text)![1]!;
  }
}

const SETTINGS: SmsConfig = {
  provider: 'outbox',
  vonage: { apiKey: '', apiSecret: '', from: 'Karify', restHost: 'http://127.0.0.1:9', timeoutMs: 1000 },
  allowedCountries: ['NL', 'BE'],
  codeTtlMinutes: 10,
  maxCodeAttempts: 5,
  resendCooldownSeconds: 30,
  maxPerAccountPerHour: 100,
  maxPerNumberPerDay: 100,
  maxPerIpPerHour: 100,
  globalDailyCap: 100,
};

const PHONE = '+31612345678';

describe('SMS code service', () => {
  let db: Database;
  let clock: TestClock;
  let sender: FakeSender;
  let codes: VerificationCodes;
  const users: number[] = [];

  async function service(overrides: Partial<SmsConfig> = {}): Promise<SmsCodeService> {
    return createSmsCodeService({
      codes, sender, clock, limiters: createLimiterFactory({ db }),
      settings: { ...SETTINGS, ...overrides },
      composeText: (code) => `Je Karify verificatiecode is ${code}`,
    });
  }

  beforeEach(async () => {
    db = await openTestDatabase();
    clock = new TestClock();
    sender = new FakeSender();
    codes = createVerificationCodes({ db, clock, random: cryptoRandom, hashKey: Buffer.alloc(32, 1), ttlMs: 600_000, maxAttempts: 5 });
    users.length = 0;
    for (let i = 0; i < 4; i += 1) {
      const [row] = await db('users').insert({ email: `p${i}@example.nl`, name: 'P', password_hash: 'x', created_at: 0, updated_at: 0 }).returning('id');
      users.push((row as { id: number }).id);
    }
  });
  afterEach(() => db.destroy());

  it('sends a code that then verifies, and tells when a new one may be asked', async () => {
    const sms = await service();
    const [user] = users as [number];
    expect(await sms.nextAllowedAt(user, 'setup')).to.equal(null);
    const outcome = await sms.send({ userId: user, purpose: 'setup', phone: PHONE, ip: '203.0.113.5' });
    expect(outcome).to.deep.equal({ status: 'sent', nextAllowedAt: clock.now() + 30_000 });
    expect(sender.sent[0]!.to).to.equal(PHONE);
    expect(await sms.nextAllowedAt(user, 'setup')).to.be.within(clock.now() + 29_000, clock.now() + 30_000);
    expect(await codes.sentTo(user, 'setup')).to.equal(PHONE);
    expect(await codes.verify(user, 'setup', sender.codeOf(0), PHONE)).to.equal('ok');
  });

  it('refuses a second SMS within the 30 s cooldown', async () => {
    const sms = await service();
    const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
    await sms.send(request);
    const second = await sms.send(request);
    expect(second.status).to.equal('cooldown');
    expect(second.status === 'cooldown' && second.nextAllowedAt).to.be.within(clock.now() + 29_000, clock.now() + 30_000);
    expect(sender.sent).to.have.length(1);
  });

  it('sends exactly one SMS for concurrent requests', async () => {
    const sms = await service();
    const request = { userId: users[0]!, purpose: 'sign_in' as const, phone: PHONE, ip: '203.0.113.5' };
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => sms.send(request)));
    expect(outcomes.filter((o) => o.status === 'sent')).to.have.length(1);
    expect(sender.sent).to.have.length(1);
  });

  it('caps SMS per account', async () => {
    const sms = await service({ maxPerAccountPerHour: 2 });
    const send = (purpose: 'setup' | 'sign_in' | 'confirm') => sms.send({ userId: users[0]!, purpose, phone: PHONE, ip: '203.0.113.5' });
    expect((await send('setup')).status).to.equal('sent');
    expect((await send('sign_in')).status).to.equal('sent');
    const refused = await send('confirm');
    expect(refused).to.include({ status: 'limited', scope: 'account' });
    expect(refused.status === 'limited' && refused.retryAt, 'when the hour is over').to.be.within(clock.now() + 3590_000, clock.now() + 3600_000);
    expect(sender.sent).to.have.length(2);
  });

  it('caps SMS per number, per IP and overall', async () => {
    const cases = [
      { overrides: { maxPerNumberPerDay: 2 }, scope: 'number', phone: () => PHONE, ip: (i: number) => `203.0.113.${i}` },
      { overrides: { maxPerIpPerHour: 2 }, scope: 'ip', phone: (i: number) => `+3161234567${i}`, ip: () => '203.0.113.5' },
      { overrides: { globalDailyCap: 2 }, scope: 'global', phone: (i: number) => `+3161234567${i}`, ip: (i: number) => `203.0.113.${i}` },
    ];
    for (const { overrides, scope, phone, ip } of cases) {
      const sms = await service(overrides);
      await db('rate_limits').delete(); // a fresh start for each case
      const send = (i: number) => sms.send({ userId: users[i]!, purpose: 'setup', phone: phone(i), ip: ip(i) });
      expect((await send(0)).status, scope).to.equal('sent');
      expect((await send(1)).status, scope).to.equal('sent');
      expect(await send(2), scope).to.include({ status: 'limited', scope });
    }
  });

  it('does not count a failed SMS, so a new attempt can be made at once', async () => {
    const sms = await service({ maxPerAccountPerHour: 1, maxPerNumberPerDay: 1, maxPerIpPerHour: 1, globalDailyCap: 1 });
    const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
    sender.failures.push({ ok: false, reason: 'unreachable' });
    expect(await sms.send(request)).to.deep.equal({ status: 'failed', reason: 'unreachable' });
    expect(await sms.nextAllowedAt(users[0]!, 'setup')).to.equal(null);
    expect((await sms.send(request)).status).to.equal('sent');
  });

  it('keeps the code of an SMS whose sending timed out, and counts it: it may still arrive', async () => {
    const sms = await service({ maxPerAccountPerHour: 1 });
    const request = { userId: users[0]!, purpose: 'setup' as const, phone: PHONE, ip: '203.0.113.5' };
    sender.failures.push({ ok: false, reason: 'timeout' });
    const outcome = await sms.send(request);
    expect(outcome).to.include({ status: 'unsure' });
    const code = /\b(\d{6})\b/.exec(sender.sent.at(-1)!.text)![1]!;
    expect(await codes.verify(users[0]!, 'setup', code, PHONE)).to.equal('ok');
    expect(await sms.nextAllowedAt(users[0]!, 'setup')).to.be.a('number');
    // Another purpose has a cooldown of its own: the hourly cap of 1 holds it.
    expect(await sms.send({ ...request, purpose: 'confirm' })).to.include({ status: 'limited', scope: 'account' });
  });

  it('keeps the previous code valid when sending a new one fails', async () => {
    const sms = await service();
    const previous = await codes.issue(users[0]!, 'sign_in', PHONE);
    sender.failures.push({ ok: false, reason: 'number_barred' });
    const outcome = await sms.send({ userId: users[0]!, purpose: 'sign_in', phone: PHONE, ip: '203.0.113.5' });
    expect(outcome).to.deep.equal({ status: 'failed', reason: 'number_barred' });
    expect(await codes.verify(users[0]!, 'sign_in', previous, PHONE)).to.equal('ok');
  });
});
