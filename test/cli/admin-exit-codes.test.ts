import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { adminTestDatabase, type AdminTestDatabase, type CliResult, runAdmin, withAdminDatabase } from './admin-cli';

/**
 * The exit codes the README gives the admin command: 0 done (also when there was nothing to do:
 * "nothing changed"), 1 refused with the reason (no such account; the configuration), 2 wrong usage
 * (an option missing, unknown, or with a malformed value), told before anything is looked up.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const PASSWORD = 'paarse-olifant-wandelt';

describe('admin command line: exit codes (0 done or nothing to do, 1 refused, 2 wrong usage)', function () {
  this.timeout(60_000); // each test starts the real command (about a second each)

  describe('wrong usage: a malformed option value exits 2, with the command\'s usage, before the database is opened', () => {
    let database: AdminTestDatabase;
    beforeEach(async () => {
      database = await adminTestDatabase();
    });

    /** A usage error: exit code 2, the message, and the command's usage line under it. */
    function wrongUsage(result: CliResult, message: string, synopsis: string): void {
      expect(result.code, `${result.stdout}${result.stderr}`).to.equal(2);
      expect(result.stderr).to.include(message);
      expect(result.stderr).to.include(`Usage: npm run admin -- ${synopsis}`);
      expect(result.stderr, 'no stack trace').not.to.match(/^\s+at /m);
    }

    it('--limit that is not a whole number from 1 to 10000: abc, 0, -5 and --limit=-5 alike', async () => {
      const cases: Array<[string[], string]> = [
        [['list-questions', '--limit', 'abc'], '--limit must be a whole number from 1 to 10000, not "abc".'],
        [['list-questions', '--limit', '0'], '--limit must be a whole number from 1 to 10000, not "0".'],
        [['list-questions', '--limit=-5'], '--limit must be a whole number from 1 to 10000, not "-5".'],
        [['list-questions', '--limit', '-5'], 'Option --limit needs a value. A value that starts with "-" is written --limit=-5.'],
        [['list-mail', '--limit', 'abc'], '--limit must be a whole number from 1 to 10000, not "abc".'],
        [['list-mail', '--limit', '10001'], '--limit must be a whole number from 1 to 10000, not "10001".'],
      ];
      const results = await Promise.all(cases.map(([args]) => database.admin(args)));
      results.forEach((result, i) => {
        const [args, message] = cases[i]!;
        wrongUsage(result, message, args[0] === 'list-mail' ? 'list-mail [--limit LIMIT] [--failed]' : 'list-questions [--limit LIMIT]');
      });
      expect(await database.hasSchema(), 'the database was never opened').to.equal(false);
    });

    it('--id abc, --role boss, a malformed --email and an empty --reason', async () => {
      const [id, role, email, staffEmail, reason, staffReason] = await Promise.all([
        database.admin(['retry-mail', '--id', 'abc']),
        database.admin(['create-staff', '--email', 'anna@kliniek.nl', '--name', 'Anna Jansen', '--role', 'boss'], `${PASSWORD}\n`),
        database.admin(['disable-user', '--email', 'cas@', '--reason', 'op verzoek']),
        database.admin(['reset-staff-two-factor', '--email', 'anna.kliniek.nl', '--reason', 'telefoon kwijt']),
        database.admin(['reset-two-factor', '--email', 'cas@example.nl', '--reason', '  ']),
        // No such staff member either: the option is wrong before the account is looked up.
        database.admin(['disable-staff', '--email', 'nobody@kliniek.nl', '--reason', '']),
      ]);
      wrongUsage(id, '--id must be the ID of a row as listed, not "abc".', 'retry-mail [--id ID]');
      wrongUsage(role, '--role must be one of desk, admin, not "boss".', 'create-staff --email EMAIL --name NAME --role ROLE');
      expect(role.stderr, 'no password asked').not.to.include('assword');
      wrongUsage(email, '"cas@" does not look like an e-mail address.', 'disable-user --email EMAIL --reason REASON');
      wrongUsage(staffEmail, '"anna.kliniek.nl" does not look like an e-mail address.', 'reset-staff-two-factor --email EMAIL --reason REASON');
      wrongUsage(reason, 'The reason is empty.', 'reset-two-factor --email EMAIL --reason REASON');
      wrongUsage(staffReason, 'The reason is empty.', 'disable-staff --email EMAIL --reason REASON');
      expect(await database.hasSchema(), 'the database was never opened').to.equal(false);
    });

    it('an unknown option or command, as before', async () => {
      const [option, command] = await Promise.all([
        database.admin(['list-users', '--all']),
        database.admin(['list-everyone']),
      ]);
      wrongUsage(option, 'Unknown option --all.', 'list-users');
      expect(command.code).to.equal(2);
      expect(command.stderr).to.include('Unknown command "list-everyone".').and.include('Run "npm run admin -- help" to see the commands and their options.');
    });
  });

  describe('refused by the data: exit 1, with the reason', () => {
    const world = withAdminDatabase();

    it('no such patient or staff member', async () => {
      const [patient, member, reset] = await Promise.all([
        world.database.admin(['disable-user', '--email', 'nobody@example.nl', '--reason', 'op verzoek']),
        world.database.admin(['enable-staff', '--email', 'nobody@kliniek.nl', '--reason', 'terug']),
        world.database.admin(['reset-staff-two-factor', '--email', 'nobody@kliniek.nl', '--reason', 'telefoon kwijt']),
      ]);
      expect([patient.code, patient.stderr.trim()]).to.deep.equal([1, 'No patient has the e-mail address nobody@example.nl.']);
      expect([member.code, member.stderr.trim()]).to.deep.equal([1, 'No staff member has the e-mail address nobody@kliniek.nl.']);
      expect([reset.code, reset.stderr.trim()]).to.deep.equal([1, 'No staff member has the e-mail address nobody@kliniek.nl.']);
    });
  });

  describe('nothing to do: exit 0, saying nothing changed, the same for every command', () => {
    const world = withAdminDatabase();

    it('disable/enable of an account already so, and a two-step reset of an account without two-step', async () => {
      const { rt } = world;
      const patient = await rt.createPatient({ email: 'cas@example.nl' });
      await rt.services.users.setDisabled(patient.id, true);
      await rt.createPatient({ email: 'eva@example.nl' });
      await rt.services.staff.create({ email: 'anna@kliniek.nl', name: 'Anna Jansen', role: 'desk', passwordHash: 'x', oneTimePasswordUntil: null });
      const events = async () => (await rt.services.staffAudit.list({ limit: 10 })).length;
      const before = await events();

      const cases: Array<[string[], string]> = [
        [['disable-user', '--email', 'cas@example.nl', '--reason', 'nogmaals'], 'cas@example.nl is already disabled; nothing changed.'],
        [['enable-user', '--email', 'eva@example.nl', '--reason', 'nogmaals'], 'eva@example.nl is already enabled; nothing changed.'],
        [['reset-two-factor', '--email', 'eva@example.nl', '--reason', 'telefoon kwijt'], 'eva@example.nl does not have two-step sign-in turned on; nothing changed.'],
        [['enable-staff', '--email', 'anna@kliniek.nl', '--reason', 'nogmaals'], 'anna@kliniek.nl is already enabled; nothing changed.'],
        [['reset-staff-two-factor', '--email', 'anna@kliniek.nl', '--reason', 'telefoon kwijt'], 'anna@kliniek.nl has no two-step sign-in set up; nothing changed.'],
      ];
      const results = await Promise.all(cases.map(([args]) => world.database.admin(args)));
      results.forEach((result, i) => {
        const [args, message] = cases[i]!;
        expect([result.code, result.stdout.trim(), result.stderr], args[0]).to.deep.equal([0, message, '']);
      });
      expect(await events(), 'nothing in the Logboek').to.equal(before);
    });
  });

  describe('an unreadable .env: exit 1 with the reason, no stack', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-unreadable-env-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /**
     * Preloaded into the command: the project's .env is there but cannot be read, as for a user
     * other than the service's with a 0640 file. (Tests run as root in CI, where a mode does not
     * stop reading, and the project folder is not the test's to write a .env into.)
     */
    function unreadableEnvPreload(): string {
      const file = path.join(dir, 'unreadable-env.cjs');
      fs.writeFileSync(
        file,
        `const fs = require('node:fs');
const target = ${JSON.stringify(path.join(ROOT, '.env'))};
const { existsSync, readFileSync } = fs;
fs.existsSync = function (file, ...rest) { return String(file) === target || existsSync.call(this, file, ...rest); };
fs.readFileSync = function (file, ...rest) {
  if (String(file) !== target) return readFileSync.call(this, file, ...rest);
  throw Object.assign(new Error("EACCES: permission denied, open '" + target + "'"), { code: 'EACCES', errno: -13, syscall: 'open', path: target });
};
`,
      );
      return file;
    }

    it('says it cannot read .env and why, and help still works without it', async () => {
      const database = await adminTestDatabase();
      const preload = ['--require', unreadableEnvPreload()];
      const [list, help] = await Promise.all([runAdmin(database.env, ['list-users'], '', preload), runAdmin(database.env, ['help'], '', preload)]);
      expect(list.code, list.stdout).to.equal(1);
      expect(list.stderr).to.include(`cannot read .env at ${path.join(ROOT, '.env')}: permission denied; run as the user the service runs as`);
      expect(list.stderr).not.to.include('ENOENT');
      expect(list.stderr, 'no stack trace').not.to.match(/^\s+at /m);
      expect(await database.hasSchema(), 'the database was never opened').to.equal(false);
      expect(help.code, help.stderr).to.equal(0);
      expect(help.stdout).to.include('Usage: npm run admin -- <command> [options]');
    });
  });
});
