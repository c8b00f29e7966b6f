import { expect } from 'chai';
import { createAuditLog } from '../../src/domain/audit';
import { systemClock } from '../../src/domain/clock';
import { createMailOutbox } from '../../src/domain/mail/mail-outbox';
import { createMessageStore } from '../../src/domain/messages';
import { createPasswordHasher } from '../../src/domain/passwords';
import { cryptoRandom } from '../../src/domain/random';
import { createStaffAuditLog } from '../../src/domain/staff-audit';
import { createUserStore } from '../../src/domain/users';
import { describeMessage } from '../../src/features/inbox/controller';
import { createTranslators } from '../../src/i18n';
import { signIn } from '../support/forms';
import { startTestRuntime } from '../support/runtime';
import { adminTestDatabase, AdminTestDatabase, succeeds } from './admin-cli';

const PASSWORD = 'paarse-olifant-wandelt';
const inDutch = { t: createTranslators().nl, formatDate: () => '5-12', formatTime: () => '12:00' };

describe('admin command line (J8)', function () {
  this.timeout(60_000); // each test starts the real command one or more times (about a second each)
  let database: AdminTestDatabase;

  beforeEach(async () => {
    database = await adminTestDatabase();
  });

  const admin = (args: string[], stdin = '') => database.admin(args, stdin);

  const createUser = (email: string, password = PASSWORD, name = 'Cas Test') =>
    admin(['create-user', '--email', email, '--name', name], `${password}\n`);

  /** Opens the database the command wrote to. */
  interface Stores {
    users: ReturnType<typeof createUserStore>;
    audit: ReturnType<typeof createAuditLog>;
    messages: ReturnType<typeof createMessageStore>;
    mailOutbox: ReturnType<typeof createMailOutbox>;
    staffAudit: ReturnType<typeof createStaffAuditLog>;
  }
  async function inDatabase<T>(use: (stores: Stores) => Promise<T>): Promise<T> {
    const db = await database.open();
    try {
      return await use({
        users: createUserStore(db, systemClock),
        audit: createAuditLog(db, systemClock),
        messages: createMessageStore(db, systemClock),
        mailOutbox: createMailOutbox({ db, clock: systemClock, random: cryptoRandom }),
        staffAudit: createStaffAuditLog(db, systemClock),
      });
    } finally {
      await db.destroy();
    }
  }

  async function listedRow(email: string): Promise<string | undefined> {
    const result = await succeeds(admin(['list-users']));
    return result.stdout.split('\n').find((line) => line.includes(email));
  }

  it('creates a patient with the password from standard input, and records it', async () => {
    const result = await succeeds(createUser('Cas@Example.nl'));
    expect(result.stdout).to.include('cas@example.nl');

    await inDatabase(async ({ users, audit }) => {
      const user = await users.findByEmail('cas@example.nl');
      expect(user?.name).to.equal('Cas Test');
      expect(await createPasswordHasher().verify(user!.passwordHash, PASSWORD)).to.equal(true);
      const events = await audit.listForUser(user!.id);
      expect(events.map((e) => [e.type, e.details])).to.deep.equal([['account_created', { by: 'admin-cli' }]]);
    });
  });

  it('lists patients in a table with e-mail, name, status, two-step, password and created date', async () => {
    await succeeds(createUser('cas@example.nl'));
    const result = await succeeds(admin(['list-users']));
    const [header, , row] = result.stdout.split('\n');
    expect(header).to.match(/^ID\s+E-mail\s+Name\s+Status\s+Two-step\s+Codes left\s+Password\s+Created$/);
    expect(row).to.match(/^1\s+cas@example\.nl\s+Cas Test\s+enabled\s+off\s+-\s+own\s+\d{4}-\d{2}-\d{2}$/);
    expect(result.stdout.trimEnd().split('\n').at(-1), 'the zone of the dates').to.equal('Dates and times in Europe/Amsterdam (TIME_ZONE).');
  });

  it('refuses an e-mail address that is already in use, whatever its case', async () => {
    await succeeds(createUser('cas@example.nl'));
    const result = await createUser('CAS@Example.NL', 'een-heel-ander-wachtwoord', 'Someone Else');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('A patient with the e-mail address cas@example.nl already exists.');
    await inDatabase(async ({ users }) => expect(await users.list()).to.have.length(1));
  });

  it('refuses a commonly used password and says why', async () => {
    const result = await createUser('cas@example.nl', 'password1');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('Password refused: it is on the list of commonly used passwords.');
    await inDatabase(async ({ users }) => expect(await users.findByEmail('cas@example.nl')).to.equal(undefined));
  });

  it('refuses a password shorter than 8 characters', async () => {
    const result = await createUser('cas@example.nl', 'kort-7');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('Password refused: it is shorter than 8 characters.');
  });

  it('refuses an implausible e-mail address and a name with control characters as wrong usage (2)', async () => {
    const [email, name] = await Promise.all([createUser('not-an-email'), createUser('cas@example.nl', PASSWORD, 'Cas\u0007')]);
    expect(email.code).to.equal(2);
    expect(email.stderr).to.include('does not look like an e-mail address');
    expect(name.code).to.equal(2);
    expect(name.stderr).to.include('control characters');
  });

  it('never takes a password on the command line', async () => {
    const results = await Promise.all(
      [['--password', PASSWORD], [`--password=${PASSWORD}`]].map((args) =>
        admin(['create-user', '--email', 'cas@example.nl', '--name', 'Cas', ...args], `${PASSWORD}\n`),
      ),
    );
    for (const result of results) {
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('Passwords are never accepted on the command line.');
    }
    expect(await database.hasSchema(), 'the database was never opened').to.equal(false);
  });

  it('exits with 2 on an unknown command or a missing option, and prints usage on help', async () => {
    const [unknown, missing, help] = await Promise.all([
      admin(['delete-everything']),
      admin(['create-user', '--email', 'cas@example.nl'], `${PASSWORD}\n`),
      admin(['help']),
    ]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('Unknown command "delete-everything".');
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('Missing option --name.');
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('Usage: npm run admin -- <command> [options]');
    expect(help.stdout).to.include('disable-user --email EMAIL');
  });

  it('shows one command\'s usage with "<command> --help" or "help <command>", and changes nothing', async () => {
    const [asked, named, unknown, withPassword] = await Promise.all([
      admin(['disable-user', '--email', 'cas@example.nl', '--help']),
      admin(['help', 'list-questions']),
      admin(['help', 'delete-everything']),
      admin(['help', 'create-user']),
    ]);
    expect(asked.code, asked.stderr).to.equal(0);
    expect(asked.stdout).to.match(/^Usage: npm run admin -- disable-user --email EMAIL --reason REASON\n\nStop a patient/);
    expect(asked.stdout, 'no password is asked: no word on how to give one').not.to.include('Passwords');
    expect(withPassword.stdout).to.include('Passwords are never given on the command line: type them when asked,');
    expect(named.code, named.stderr).to.equal(0);
    expect(named.stdout).to.include('Usage: npm run admin -- list-questions [--limit LIMIT]').and.not.include('Commands:');
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('Unknown command "delete-everything".');
  });

  it('disables and enables a patient, recording both and telling the patient in Berichten and by e-mail', async () => {
    await succeeds(createUser('cas@example.nl'));
    expect((await admin(['disable-user', '--email', 'cas@example.nl'])).stderr, 'a reason is needed').to.include('Missing option --reason.');
    await succeeds(admin(['disable-user', '--email', 'CAS@example.nl', '--reason', 'Op verzoek van de patiënt']));
    expect(await listedRow('cas@example.nl')).to.match(/\bdisabled\b/);

    await succeeds(admin(['enable-user', '--email', 'cas@example.nl', '--reason', 'Patiënt belde terug']));
    expect(await listedRow('cas@example.nl')).to.match(/\benabled\b/);

    await inDatabase(async ({ users, audit }) => {
      const user = await users.findByEmail('cas@example.nl');
      const events = await audit.listForUser(user!.id);
      expect(events.map((e) => [e.type, e.details])).to.deep.equal([
        ['account_enabled', { by: 'admin-cli', reason: 'Patiënt belde terug' }],
        ['account_disabled', { by: 'admin-cli', reason: 'Op verzoek van de patiënt' }],
        ['account_created', { by: 'admin-cli' }],
      ]);
    });
    const logboek = await inDatabase(async ({ staffAudit }) =>
      (await staffAudit.list({ limit: 10 })).map((e) => [e.type, e.staff, e.patient?.name, e.details]),
    );
    expect(logboek, 'in the desk\'s Logboek, as a command on the server').to.deep.equal([
      ['patient_enabled', null, 'Cas Test', { reason: 'Patiënt belde terug' }],
      ['patient_disabled', null, 'Cas Test', { reason: 'Op verzoek van de patiënt' }],
    ]);
    const told = await inDatabase(async ({ users, messages, mailOutbox }) => {
      const user = await users.findByEmail('cas@example.nl');
      return {
        messages: (await messages.listForUser(user!.id)).map((m) => [m.kind, describeMessage(m, inDutch).body]),
        mails: (await mailOutbox.list({ limit: 10 })).filter((m) => m.userId === user!.id).map((m) => m.kind),
      };
    });
    expect(told, 'Berichten name the clinic, not its helpdesk: a command on the server did it').to.deep.equal({
      messages: [
        ['account_enabled', 'Op 5-12 om 12:00 heeft je zorgaanbieder je account weer ingeschakeld. Je kunt weer inloggen.'],
        ['account_disabled', 'Op 5-12 om 12:00 heeft je zorgaanbieder je account uitgeschakeld. Je kon toen niet meer inloggen.'],
      ],
      mails: ['account_enabled', 'account_disabled'],
    });
    expect((await admin(['enable-user', '--email', 'cas@example.nl', '--reason', 'Nog eens'])).stdout).to.include('is already enabled; nothing changed.');
  });

  it('fails with 1 when no patient has the e-mail address', async () => {
    const result = await admin(['disable-user', '--email', 'nobody@example.nl', '--reason', 'Op verzoek']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('No patient has the e-mail address nobody@example.nl.');
  });

  it('stops a disabled patient from signing in', async () => {
    await succeeds(createUser('cas@example.nl'));
    const rt = await startTestRuntime(database.runtimeEnv);
    try {
      expect((await signIn(rt.agent(), 'cas@example.nl', PASSWORD)).status).to.equal(302);
      await succeeds(admin(['disable-user', '--email', 'cas@example.nl', '--reason', 'Op verzoek']));
      const res = await signIn(rt.agent(), 'cas@example.nl', PASSWORD);
      expect(res.status).to.equal(403);
      expect(res.text).to.include('Je account is uitgeschakeld, daarom kun je niet inloggen.');
    } finally {
      await rt.close();
    }
  });
});
