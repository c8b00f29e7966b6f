import { givePatientOneTimePassword, setPatientDisabled } from '../domain/clinic-actions';
import { asGivenOneTimePassword, oneTimePasswordUntil } from '../domain/one-time-passwords';
import { DuplicateEmailError } from '../domain/users';
import { paths } from '../paths';
import { timesIn, zonedDateTimeFormatter } from './dates';
import { CommandFailure } from './args';
import { BY_ADMIN_CLI, command, CommandEnv } from './command';
import { formatTable } from './table';
import { userColumns } from './user-columns';
import { assertAcceptablePassword, validEmail, validName, validReason } from './validation';

const duplicate = (email: string) => new CommandFailure(`A patient with the e-mail address ${email} already exists.`);

async function setDisabled(options: { email: string; reason: string }, disabled: boolean, env: CommandEnv): Promise<void> {
  const email = validEmail(options.email);
  const reason = validReason(options.reason);
  const { users, inTransaction } = await env.services();
  const user = await users.findByEmail(email);
  if (!user) throw new CommandFailure(`No patient has the e-mail address ${email}.`);
  // The change, its record, its message in Berichten, its e-mail and its line in the desk's
  // Logboek (with the reason) land together, as at the desk.
  const changed = await inTransaction((stores) => setPatientDisabled(stores, user.id, disabled, { staffId: null, origin: {}, reason }));
  if (!changed) {
    env.print(`${email} is already ${disabled ? 'disabled' : 'enabled'}; nothing changed.`);
    return;
  }
  env.print(disabled ? `Disabled ${email}: they are signed out and can no longer sign in.` : `Enabled ${email}: they can sign in again.`);
}

export const createUser = command({
  name: 'create-user',
  summary: 'Create a patient. The password is read from standard input.',
  options: ['email', 'name'],
  readsPassword: true,
  async run(options, env) {
    const email = validEmail(options.email);
    const name = validName(options.name);
    const { users, hasher, inTransaction } = await env.services();
    if (await users.findByEmail(email)) throw duplicate(email);
    const password = await env.readNewPassword();
    await assertAcceptablePassword(password, { email, name });
    const passwordHash = await hasher.hash(password); // slow: before the transaction
    // The patient and the record of who created them land together.
    const user = await inTransaction(async ({ users, audit }) => {
      const created = await users.create({ email, name, passwordHash }).catch((err: unknown) => {
        throw err instanceof DuplicateEmailError ? duplicate(email) : err;
      });
      await audit.record(created.id, 'account_created', {}, BY_ADMIN_CLI);
      return created;
    });
    env.print(`Created patient ${user.id}: ${user.email} (${user.name}).`);
  },
});

export const listUsers = command({
  name: 'list-users',
  summary: 'List all patients, with their two-step sign-in and password (their own, or a temporary one and until when).',
  options: [],
  async run(_options, env) {
    const { users, twoFactor, passkeys, clock } = await env.services();
    const all = await users.list();
    // One status query per patient: fine for a clinic's list, and it reuses the domain's rules.
    const listed = [];
    for (const user of all) listed.push({ ...user, twoFactor: await twoFactor.status(user.id), passkeys: await passkeys.countForUser(user.id) });
    env.print(listed.length === 0 ? 'There are no patients yet.' : `${formatTable(userColumns(env.timeZone, clock.now()), listed)}\n\n${timesIn(env.timeZone)}`);
  },
});

export const disableUser = command({
  name: 'disable-user',
  summary: 'Stop a patient from signing in (ends their sessions); the reason goes into the Logboek.',
  options: ['email', 'reason'],
  run: (options, env) => setDisabled(options, true, env),
});

export const enableUser = command({
  name: 'enable-user',
  summary: 'Let a disabled patient sign in again; the reason goes into the Logboek.',
  options: ['email', 'reason'],
  run: (options, env) => setDisabled(options, false, env),
});

/** The way back in for a patient who forgot their password (after an identity check at the desk). */
export const resetPassword = command({
  name: 'reset-password',
  summary: 'Give a patient who forgot their password a temporary one, read from standard input; they choose their own at their next sign-in.',
  options: ['email', 'reason'],
  readsPassword: true,
  async run(options, env) {
    const email = validEmail(options.email);
    const reason = validReason(options.reason);
    const { users, hasher, inTransaction, signIn, clock } = await env.services();
    const user = await users.findByEmail(email);
    if (!user) throw new CommandFailure(`No patient has the e-mail address ${email}.`);
    const disabled = () => new CommandFailure(`${email} is disabled and could not sign in with it; nothing changed. Enable them first (enable-user).`);
    if (user.disabled) throw disabled(); // before asking for a password
    const password = await env.readNewPassword();
    await assertAcceptablePassword(password, user);
    const hash = await hasher.hash(asGivenOneTimePassword(password)); // as the sign-in checks it; slow: before the transaction
    const until = oneTimePasswordUntil(clock.now(), env.patientOneTimePasswordDays);
    if (!(await inTransaction((stores) => givePatientOneTimePassword(stores, user.id, { hash, until }, { staffId: null, origin: {}, reason })))) throw disabled();
    await signIn.forgetAccountFailures(email); // the wrong guesses at the forgotten one lock it no more
    const next = user.twoFactorMethod ? 'with it and their second step, and choose their own password before anything else' : 'with it and choose their own password before anything else';
    env.print(
      [
        `Gave ${email} a temporary password: their old password no longer works, and they are signed out everywhere.`,
        `They sign in at ${env.siteOrigin}${paths.signIn} ${next}.`,
        `It works until ${zonedDateTimeFormatter(env.timeZone)(until)}; after that, give them a new one.`,
        'The change and your reason are in their activity log and the desk\'s Logboek, and they have a message in Berichten and an e-mail.',
      ].join('\n'),
    );
  },
});
