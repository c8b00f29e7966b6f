import { expect } from 'chai';
import { systemClock } from '../../src/domain/clock';
import { createPasswordHasher } from '../../src/domain/passwords';
import { createStaffStore } from '../../src/domain/staff';
import { createStaffAuditLog } from '../../src/domain/staff-audit';
import { adminTestDatabase, AdminTestDatabase, succeeds } from './admin-cli';

const PASSWORD = 'paarse-olifant-wandelt';

describe('admin command line: desk accounts (create-staff, list-staff)', function () {
  this.timeout(60_000);
  let database: AdminTestDatabase;
  beforeEach(async () => {
    database = await adminTestDatabase();
  });

  const admin = (args: string[], stdin = '') => database.admin(args, stdin);
  const createStaff = (email: string, role = 'desk', password = PASSWORD) =>
    admin(['create-staff', '--email', email, '--name', 'Anna Jansen', '--role', role], `${password}\n`);

  async function inDatabase<T>(use: (stores: { staff: ReturnType<typeof createStaffStore>; audit: ReturnType<typeof createStaffAuditLog> }) => Promise<T>): Promise<T> {
    const db = await database.open();
    try {
      return await use({ staff: createStaffStore(db, systemClock), audit: createStaffAuditLog(db, systemClock) });
    } finally {
      await db.destroy();
    }
  }

  it('creates a desk account with the password from standard input, and records it in the staff audit log', async () => {
    const result = await succeeds(createStaff('Anna@Kliniek.nl', 'admin'));
    expect(result.stdout).to.include('Created staff member 1: anna@kliniek.nl (Anna Jansen, admin).');
    await inDatabase(async ({ staff, audit }) => {
      const member = (await staff.findByEmail('anna@kliniek.nl'))!;
      expect(member).to.deep.include({ role: 'admin', mustChangePassword: false, twoFactorMethod: null, disabled: false });
      expect(await createPasswordHasher().verify(member.passwordHash, PASSWORD)).to.equal(true);
      const [row] = await audit.list({ limit: 5 });
      expect(row).to.deep.include({ type: 'staff_created', staff: null, details: { role: 'admin', by: 'admin-cli' } });
      expect(row!.targetStaff!.id).to.equal(member.id);
    });
  });

  it('lists desk accounts with role, status and two-step', async () => {
    await succeeds(createStaff('anna@kliniek.nl'));
    const result = await succeeds(admin(['list-staff']));
    const [header, , row] = result.stdout.split('\n');
    expect(header).to.match(/^ID\s+E-mail\s+Name\s+Role\s+Status\s+Two-step\s+Created$/);
    expect(row).to.match(/^1\s+anna@kliniek\.nl\s+Anna Jansen\s+desk\s+enabled\s+not set up\s+\d{4}-\d{2}-\d{2}$/);
  });

  it('refuses an unknown role, a duplicate address and a weak password', async () => {
    const role = await createStaff('anna@kliniek.nl', 'baas');
    expect(role.code).to.equal(1);
    expect(role.stderr).to.include('--role must be one of desk, admin, not "baas".');
    await succeeds(createStaff('anna@kliniek.nl'));
    const duplicate = await createStaff('ANNA@kliniek.nl');
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stderr).to.include('A staff member with the e-mail address anna@kliniek.nl already exists.');
    const weak = await createStaff('bea@kliniek.nl', 'desk', 'password1');
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.include('Password refused');
    const missing = await admin(['create-staff', '--email', 'bea@kliniek.nl', '--name', 'Bea']);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('Missing option --role.');
    await inDatabase(async ({ staff }) => expect(await staff.list()).to.have.length(1));
  });
});
