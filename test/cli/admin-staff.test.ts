import { expect } from 'chai';
import { systemClock } from '../../src/domain/clock';
import { createPasswordHasher } from '../../src/domain/passwords';
import { createStaffStore } from '../../src/domain/staff';
import { createStaffAuditLog } from '../../src/domain/staff-audit';
import { adminTestDatabase, AdminTestDatabase, succeeds } from './admin-cli';

const PASSWORD = 'paarse-olifant-wandelt';

describe('admin command line: desk accounts (create-staff, list-staff, disable-staff, enable-staff, reset-staff-password, reset-staff-two-factor)', function () {
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
    expect(result.stdout, 'the whole address, from PUBLIC_URL').to.include('They sign in at https://karify.example.nl/balie and set up');
    await inDatabase(async ({ staff, audit }) => {
      const member = (await staff.findByEmail('anna@kliniek.nl'))!;
      expect(member).to.deep.include({ role: 'admin', oneTimePasswordUntil: null, twoFactorMethod: null, disabled: false });
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
    expect(header).to.match(/^ID\s+E-mail\s+Name\s+Role\s+Status\s+Two-step\s+Password\s+Created$/);
    expect(row).to.match(/^1\s+anna@kliniek\.nl\s+Anna Jansen\s+desk\s+enabled\s+not set up\s+own\s+\d{4}-\d{2}-\d{2}$/);
    expect(result.stdout.trimEnd().split('\n').at(-1), 'the zone of the dates').to.equal('Dates and times in Europe/Amsterdam (TIME_ZONE).');
  });

  it('refuses an unknown role (wrong usage), a duplicate address and a weak password', async () => {
    const role = await createStaff('anna@kliniek.nl', 'baas');
    expect(role.code).to.equal(2);
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

  /** A staff member with the app, two recovery codes and a passkey, as the desk leaves them. */
  async function staffWithTwoStep(email: string): Promise<number> {
    await succeeds(createStaff(email, 'admin'));
    const now = Date.now();
    return inDatabase(async ({ staff }) => {
      const db = await database.open();
      try {
        const { id } = (await staff.findByEmail(email))!;
        await db('staff_two_factor_settings').insert({ staff_id: id, method: 'totp', totp_secret_encrypted: 'sealed', enabled_at: now, updated_at: now });
        await db('staff_recovery_codes').insert([1, 2].map(() => ({ staff_id: id, code_hash: 'hash', created_at: now })));
        await db('staff_passkeys').insert({ staff_id: id, credential_id: `cred-${id}`, public_key: 'key', user_handle: 'handle', name: 'Sleutel', created_at: now });
        return id;
      } finally {
        await db.destroy();
      }
    });
  }

  async function rowsOf(id: number) {
    const db = await database.open();
    try {
      const count = async (table: string) => Number((await db(table).where({ staff_id: id }).count({ n: '*' }))[0]!.n);
      const member = await db('staff').where({ id }).first('disabled', 'session_generation');
      return { twoFactor: await count('staff_two_factor_settings'), codes: await count('staff_recovery_codes'), passkeys: await count('staff_passkeys'), disabled: Boolean(member.disabled), generation: Number(member.session_generation) };
    } finally {
      await db.destroy();
    }
  }

  it('names the passkeys it removed only when there were some', async () => {
    const id = await staffWithTwoStep('anna@kliniek.nl');
    const db = await database.open();
    try {
      await db('staff_passkeys').where({ staff_id: id }).delete();
    } finally {
      await db.destroy();
    }
    const result = await succeeds(admin(['reset-staff-two-factor', '--email', 'anna@kliniek.nl', '--reason', 'telefoon kwijt']));
    expect(result.stdout).to.include('Turned off two-step sign-in for anna@kliniek.nl: their app and recovery codes no longer work.').and.not.include('passkey');
  });

  it('resets the two-step of a staff member who lost it: app, codes and passkeys gone, signed out, the reason in the Logboek', async () => {
    const id = await staffWithTwoStep('anna@kliniek.nl');
    const before = await rowsOf(id);
    expect(before).to.deep.include({ twoFactor: 1, codes: 2, passkeys: 1 });

    const result = await succeeds(admin(['reset-staff-two-factor', '--email', 'ANNA@kliniek.nl', '--reason', 'telefoon kwijt; identiteit gecontroleerd']));
    expect(result.stdout).to.include('Turned off two-step sign-in for anna@kliniek.nl: their app, recovery codes and passkey no longer work.');
    expect(result.stdout).to.include('they set up the app again');
    expect(await rowsOf(id)).to.deep.equal({ twoFactor: 0, codes: 0, passkeys: 0, disabled: false, generation: before.generation + 1 });
    await inDatabase(async ({ audit }) => {
      const [row] = await audit.list({ limit: 1 });
      expect(row).to.deep.include({ type: 'staff_two_factor_reset', staff: null, details: { reason: 'telefoon kwijt; identiteit gecontroleerd', by: 'admin-cli' } });
      expect(row!.targetStaff!.id).to.equal(id);
    });

    const again = await admin(['reset-staff-two-factor', '--email', 'anna@kliniek.nl', '--reason', 'nogmaals']);
    expect(again.code, 'nothing to do is not a failure').to.equal(0);
    expect(again.stdout).to.include('anna@kliniek.nl has no two-step sign-in set up; nothing changed.');
    const noReason = await admin(['reset-staff-two-factor', '--email', 'anna@kliniek.nl']);
    expect(noReason.code).to.equal(2);
    const unknown = await admin(['reset-staff-two-factor', '--email', 'cas@kliniek.nl', '--reason', 'x y z']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('No staff member has the e-mail address cas@kliniek.nl.');
  });

  it('gives a staff member who forgot their password a one-time one from standard input: the old one stops working, they are signed out, they choose their own at the next sign-in, their app stays', async () => {
    const id = await staffWithTwoStep('anna@kliniek.nl');
    const before = await rowsOf(id);
    const oneTime = 'TUBA-FWET-SMEE-RDAN-9876'; // the desk's shape: stored as the desk gives it, in small letters
    const reset = (args: string[], stdin = `${oneTime}\n`) => admin(['reset-staff-password', ...args], stdin);
    const noReason = await reset(['--email', 'anna@kliniek.nl']);
    expect(noReason.code).to.equal(2);
    expect(noReason.stderr).to.include('Missing option --reason.');
    const weak = await reset(['--email', 'anna@kliniek.nl', '--reason', 'vergeten'], 'password1\n');
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.include('Password refused');
    const unknown = await reset(['--email', 'cas@kliniek.nl', '--reason', 'vergeten']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('No staff member has the e-mail address cas@kliniek.nl.');
    await succeeds(createStaff('bo@kliniek.nl', 'admin')); // another admin stays
    await succeeds(admin(['disable-staff', '--email', 'anna@kliniek.nl', '--reason', 'met verlof']));
    const disabled = await reset(['--email', 'anna@kliniek.nl', '--reason', 'vergeten']);
    expect(disabled.code).to.equal(1);
    expect(disabled.stderr).to.include('anna@kliniek.nl is disabled and could not sign in with it; nothing changed. Enable them first (enable-staff).');
    await succeeds(admin(['enable-staff', '--email', 'anna@kliniek.nl', '--reason', 'terug']));
    await inDatabase(async ({ staff }) => expect(await staff.findById(id)).to.deep.include({ oneTimePasswordUntil: null }));

    const result = await succeeds(reset(['--email', 'Anna@kliniek.nl', '--reason', 'wachtwoord vergeten; gebeld']));
    expect(result.stdout).to.include('Gave anna@kliniek.nl a one-time password: their old password no longer works, and they are signed out of the desk.')
      .and.include('They sign in at https://karify.example.nl/balie with it and a code from their authenticator app, and choose their own password before anything else.')
      .and.match(/It works until \d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST); after that, give them a new one\./)
      .and.not.include(oneTime)
      .and.not.include(oneTime.toLowerCase());
    const until = /It works until (\S+ \S+) \S+;/.exec(result.stdout)![1]!;
    expect((await succeeds(admin(['list-staff']))).stdout, 'list-staff says until when').to.match(new RegExp(`anna@kliniek\\.nl .* one-time, until ${until} `));
    expect(await rowsOf(id)).to.deep.equal({ ...before, generation: before.generation + 2 }); // disabling ended their sessions too
    await inDatabase(async ({ staff, audit }) => {
      const member = (await staff.findById(id))!;
      expect(member.oneTimePasswordUntil! - Date.now(), 'seven days (DESK_ONE_TIME_PASSWORD_DAYS)').to.be.within(7 * 86_400_000 - 120_000, 7 * 86_400_000);
      const hasher = createPasswordHasher();
      expect(await hasher.verify(member.passwordHash, oneTime.toLowerCase())).to.equal(true);
      expect(await hasher.verify(member.passwordHash, PASSWORD)).to.equal(false);
      const [row] = await audit.list({ limit: 1 });
      expect(row).to.deep.include({ type: 'staff_password_reset', staff: null, details: { reason: 'wachtwoord vergeten; gebeld', by: 'admin-cli' } });
      expect(row!.targetStaff!.id).to.equal(id);
    });
  });

  it('disables and enables a desk account, each once, in the Logboek with the reason given, as the desk asks one', async () => {
    await succeeds(createStaff('bo@kliniek.nl', 'admin')); // another admin stays
    const id = await staffWithTwoStep('anna@kliniek.nl');
    const noReason = await admin(['disable-staff', '--email', 'anna@kliniek.nl']);
    expect(noReason.code).to.equal(2);
    expect(noReason.stderr).to.include('Missing option --reason.');
    const disable = ['disable-staff', '--email', 'anna@kliniek.nl', '--reason', 'Laptop gestolen'];
    expect((await succeeds(admin(disable))).stdout).to.include('Disabled anna@kliniek.nl');
    expect(await rowsOf(id)).to.deep.include({ disabled: true, twoFactor: 1 });
    expect((await succeeds(admin(disable))).stdout).to.include('already disabled; nothing changed');
    expect((await succeeds(admin(['enable-staff', '--email', 'anna@kliniek.nl', '--reason', 'Nieuwe laptop']))).stdout).to.include('Enabled anna@kliniek.nl');
    expect(await rowsOf(id)).to.deep.include({ disabled: false });
    await inDatabase(async ({ audit }) => {
      const rows = (await audit.list({ limit: 10 })).map((row) => [row.type, row.details?.reason ?? null]);
      expect(rows).to.deep.equal([['staff_enabled', 'Nieuwe laptop'], ['staff_disabled', 'Laptop gestolen'], ['staff_created', null], ['staff_created', null]]);
    });
  });

  it('refuses to disable the only active admin, so the desk keeps someone who manages staff', async () => {
    const id = await staffWithTwoStep('anna@kliniek.nl');
    const refused = await admin(['disable-staff', '--email', 'anna@kliniek.nl', '--reason', 'Laptop gestolen']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('anna@kliniek.nl is the only active admin; nothing changed. Make another admin first (create-staff --role admin).');
    expect(await rowsOf(id)).to.deep.include({ disabled: false });
    await succeeds(createStaff('bo@kliniek.nl', 'admin'));
    expect((await succeeds(admin(['disable-staff', '--email', 'anna@kliniek.nl', '--reason', 'Laptop gestolen']))).stdout).to.include('Disabled anna@kliniek.nl');
  });
});
