import { expect } from 'chai';
import { isByClinic, type SecurityEventType } from '../../src/domain/audit';
import { createStaffMember } from '../support/desk';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

describe('security audit log: pages of the activity, and what the clinic did', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('lists newest first by the order of recording, also within one moment, older than a given event, and the ids from an event on', async () => {
    const patient = (await rt.createPatient()).id;
    const other = (await rt.createPatient()).id;
    for (let n = 0; n < 5; n += 1) {
      await rt.services.audit.record(patient, 'second_step_failed', {}, { n });
      await rt.services.audit.record(other, 'sign_in');
    }
    const all = await rt.services.audit.listForUser(patient, 100);
    expect(all.map((e) => e.details?.n)).to.deep.equal([4, 3, 2, 1, 0]);
    const ids = all.map((e) => e.id);
    expect((await rt.services.audit.listForUser(patient, 2, ids[1])).map((e) => e.details?.n)).to.deep.equal([2, 1]);
    expect(await rt.services.audit.listForUser(patient, 10, ids.at(-1))).to.deep.equal([]);
    expect(await rt.services.audit.newerIds(patient, ids[2]!, 10)).to.deep.equal([ids[2], ids[1], ids[0]]);
    expect(await rt.services.audit.newerIds(patient, ids[0]! + 1, 10)).to.deep.equal([]);
  });

  it('records a refused password for an account, and for an address without one runs the same statement, storing nothing', async () => {
    const patient = (await rt.createPatient()).id;
    const member = (await createStaffMember(rt)).id;
    const statements: string[] = [];
    rt.db.on('query', (query: { sql: string }) => statements.push(query.sql));
    const origin = { ip: '203.0.113.57', userAgent: 'Firefox/120.0' };
    await rt.services.audit.recordRefusedPassword(null, 'sign_in_failed', origin, { reason: 'password' });
    await rt.services.audit.recordRefusedPassword(patient, 'sign_in_failed', origin, { reason: 'password' });
    await rt.services.staffAudit.recordRefusedPassword(null, 'sign_in_failed', origin, { reason: 'password' });
    await rt.services.staffAudit.recordRefusedPassword(member, 'confirmation_failed', origin, { reason: 'password' });
    expect(statements).to.have.length(4);
    expect(statements[0]).to.equal(statements[1]);
    expect(statements[2]).to.equal(statements[3]);

    const [event] = await rt.services.audit.listForUser(patient);
    expect(event).to.deep.include({ type: 'sign_in_failed', ip: '203.0.113.0', userAgent: 'Firefox/120.0', details: { reason: 'password' } });
    expect(event!.createdAt).to.equal(rt.clock.now());
    expect(Number((await rt.db('security_events').count({ n: '*' }).first())?.n), 'nothing for the unknown address').to.equal(1);
    const refused = (await rt.services.staffAudit.list({ limit: 10 })).filter((e) => e.type.endsWith('_failed'));
    expect(refused, 'nothing for the unknown address').to.have.length(1);
    expect(refused[0]).to.deep.include({ type: 'confirmation_failed', ip: '203.0.113.0', details: { reason: 'password' }, createdAt: rt.clock.now() });
    expect(refused[0]!.staff?.id).to.equal(member);
  });

  it('knows the events the clinic caused, at the desk or with the admin command, from their type or details', () => {
    const event = (type: SecurityEventType, details: Record<string, unknown> | null = null) => ({ type, details });
    expect(isByClinic(event('account_disabled', { by: 'desk', staffId: 3, reason: 'x' }))).to.equal(true);
    expect(isByClinic(event('account_enabled', { by: 'admin-cli', reason: 'x' }))).to.equal(true);
    expect(isByClinic(event('account_created', { by: 'admin-cli' }))).to.equal(true);
    expect(isByClinic(event('two_factor_reset_by_clinic'))).to.equal(true);
    expect(isByClinic(event('sessions_ended_by_clinic'))).to.equal(true);
    expect(isByClinic(event('two_factor_disabled'))).to.equal(false);
    expect(isByClinic(event('sign_in', { method: 'sms' }))).to.equal(false);
    expect(isByClinic(event('sign_in_failed', { reason: 'disabled' }))).to.equal(false);
    expect(isByClinic(event('sign_in', { by: 'someone' }))).to.equal(false);
  });
});
