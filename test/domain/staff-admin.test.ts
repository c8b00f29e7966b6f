import { expect } from 'chai';
import { changeStaffRole, giveStaffOneTimePassword, LastActiveAdminError, setOwnStaffPassword, setStaffDisabled, type StaffActor } from '../../src/domain/staff-admin';
import type { StaffRole } from '../../src/domain/staff';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { TEST_DATABASE } from '../support/test-database';

const BY: StaffActor = { staffId: null, origin: {}, details: { reason: 'test' } };

describe(`staff accounts keep an active admin, on ${TEST_DATABASE}`, () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  let counter = 0;
  const addStaff = (role: StaffRole) => {
    counter += 1;
    return rt.services.staff.create({ email: `staff${counter}@kliniek.nl`, name: `Staff ${counter}`, role, passwordHash: 'x', oneTimePasswordUntil: null });
  };
  const disable = (id: number) => rt.services.inTransaction((stores) => setStaffDisabled(stores, id, true, BY));
  const demote = (id: number) => rt.services.inTransaction((stores) => changeStaffRole(stores, id, 'desk', BY));
  const activeAdmins = async () => (await rt.services.staff.list()).filter((m) => m.role === 'admin' && !m.disabled).map((m) => m.id);

  it('keeps an admin\'s new one-time password over an own password whose request read the account before it', async () => {
    const member = await addStaff('desk');
    const readBefore = (await rt.services.staff.findById(member.id))!;
    const until = rt.clock.now() + 86_400_000;
    expect(await rt.services.inTransaction((stores) => giveStaffOneTimePassword(stores, member.id, { hash: 'one-time-hash', until }, BY))).to.equal(true);
    const own = (read: typeof readBefore) => rt.services.inTransaction((stores) => setOwnStaffPassword(stores, read, 'own-hash', {}, 'password_chosen'));
    expect(await own(readBefore), 'the admin\'s change ended that session').to.equal(false);
    expect(await rt.services.staff.findById(member.id)).to.deep.include({ passwordHash: 'one-time-hash', oneTimePasswordUntil: until });
    expect(await own((await rt.services.staff.findById(member.id))!), 'read after it').to.equal(true);
    expect(await rt.services.staff.findById(member.id)).to.deep.include({ passwordHash: 'own-hash', oneTimePasswordUntil: null });
  });

  it('refuses to disable or demote the only active admin, and changes nothing', async () => {
    const admin = await addStaff('admin');
    const formerAdmin = await addStaff('admin');
    const desk = await addStaff('desk');
    expect(await disable(formerAdmin.id)).to.equal(true);

    for (const attempt of [disable, demote]) {
      let refused: unknown;
      await attempt(admin.id).catch((err) => (refused = err));
      expect(refused, attempt.name).to.be.instanceOf(LastActiveAdminError);
    }
    expect(await activeAdmins()).to.deep.equal([admin.id]);
    expect((await rt.services.staffAudit.list({ limit: 10 })).map((e) => e.type), 'no Logboek line for a refused change').to.deep.equal(['staff_disabled']);
    // Whoever is not that admin stays free to change: a desk member, a disabled admin.
    expect(await disable(desk.id)).to.equal(true);
    expect(await demote(formerAdmin.id)).to.equal(true);
  });

  it('leaves exactly one active admin when every admin is disabled and demoted at once, round after round', async () => {
    for (let round = 0; round < 20; round += 1) {
      const admins = await Promise.all(Array.from({ length: 5 }, () => addStaff('admin')));
      const before = await activeAdmins();
      const results = await Promise.allSettled([...admins.map((a) => disable(a.id)), ...admins.map((a) => demote(a.id)), ...before.map((id) => disable(id))]);
      const unexpected = results.flatMap((r) => (r.status === 'rejected' && !(r.reason instanceof LastActiveAdminError) ? [String(r.reason)] : []));
      expect(unexpected, `round ${round}`).to.deep.equal([]);
      expect(await activeAdmins(), `round ${round}: active admins`).to.have.length(1);
      expect(results.some((r) => r.status === 'rejected'), `round ${round}: the last one was refused`).to.equal(true);
    }
  });
});
