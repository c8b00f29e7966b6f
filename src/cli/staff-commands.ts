import { asGivenOneTimePassword, oneTimePasswordUntil } from '../domain/one-time-passwords';
import { isStaffRole, STAFF_ROLES, type StaffMember } from '../domain/staff';
import { addStaffMember, giveStaffOneTimePassword, LastActiveAdminError, resetStaffTwoFactor as resetTwoFactorOf, setStaffDisabled } from '../domain/staff-admin';
import { DuplicateEmailError } from '../domain/users';
import { CommandFailure, UsageError } from './args';
import { BY_ADMIN_CLI, command, type CommandEnv } from './command';
import { dateFormatter, timesIn, zonedDateTimeFormatter } from './dates';
import { formatTable, type Column } from './table';
import { passwordColumn } from './user-columns';
import { paths } from '../paths';
import { assertAcceptablePassword, validEmail, validName, validReason } from './validation';

const duplicate = (email: string) => new CommandFailure(`A staff member with the e-mail address ${email} already exists.`);

export const createStaff = command({
  name: 'create-staff',
  summary: 'Create a desk account (--role desk or admin). The password is read from standard input.',
  options: ['email', 'name', 'role'],
  readsPassword: true,
  async run(options, env) {
    const email = validEmail(options.email);
    const name = validName(options.name);
    const role = options.role.trim();
    if (!isStaffRole(role)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}, not "${options.role}".`);
    const { staff, hasher, inTransaction } = await env.services();
    if (await staff.findByEmail(email)) throw duplicate(email);
    const password = await env.readNewPassword();
    await assertAcceptablePassword(password, { email, name });
    const passwordHash = await hasher.hash(password); // slow: before the transaction
    // The account and the record of who created it land together.
    const member = await inTransaction((stores) =>
      addStaffMember(stores, { email, name, role, passwordHash, oneTimePasswordUntil: null }, { staffId: null, origin: {}, details: BY_ADMIN_CLI }).catch((err: unknown) => {
        throw err instanceof DuplicateEmailError ? duplicate(email) : err;
      }),
    );
    env.print(
      [
        `Created staff member ${member.id}: ${member.email} (${member.name}, ${member.role}).`,
        `They sign in at ${env.siteOrigin}${paths.desk.home} and set up their authenticator app before anything else.`,
      ].join('\n'),
    );
  },
});

function staffColumns(timeZone: string, now: number): Column<StaffMember>[] {
  const date = dateFormatter(timeZone);
  return [
    { header: 'ID', value: (member) => String(member.id) },
    { header: 'E-mail', value: (member) => member.email },
    { header: 'Name', value: (member) => member.name },
    { header: 'Role', value: (member) => member.role },
    { header: 'Status', value: (member) => (member.disabled ? 'disabled' : 'enabled') },
    { header: 'Two-step', value: (member) => (member.twoFactorMethod ? 'app' : 'not set up') },
    passwordColumn<StaffMember>(timeZone, now, 'one-time'),
    { header: 'Created', value: (member) => date(member.createdAt) },
  ];
}

export const listStaff = command({
  name: 'list-staff',
  summary: 'List the desk accounts, with their role, two-step sign-in and password (their own, or a one-time one and until when).',
  options: [],
  async run(_options, env) {
    const { staff, clock } = await env.services();
    const members = await staff.list();
    env.print(members.length === 0 ? 'There are no staff accounts yet.' : `${formatTable(staffColumns(env.timeZone, clock.now()), members)}\n\n${timesIn(env.timeZone)}`);
  },
});

/**
 * The staff member named by --email, and the --reason: both options are checked (wrong usage)
 * before the account is looked up (no such account: a refusal).
 */
async function staffMember(options: { email: string; reason: string }, env: CommandEnv): Promise<{ member: StaffMember; email: string; reason: string }> {
  const email = validEmail(options.email);
  const reason = validReason(options.reason);
  const member = await (await env.services()).staff.findByEmail(email);
  if (!member) throw new CommandFailure(`No staff member has the e-mail address ${email}.`);
  return { member, email, reason };
}

async function setDisabled(options: { email: string; reason: string }, disabled: boolean, env: CommandEnv): Promise<void> {
  const { member, email, reason } = await staffMember(options, env);
  const { inTransaction } = await env.services();
  const by = { staffId: null, origin: {}, details: { reason, ...BY_ADMIN_CLI } };
  const changed = await inTransaction((stores) => setStaffDisabled(stores, member.id, disabled, by)).catch((err) => {
    if (err instanceof LastActiveAdminError) {
      throw new CommandFailure(`${email} is the only active admin; nothing changed. Make another admin first (create-staff --role admin).`);
    }
    throw err;
  });
  if (!changed) {
    env.print(`${email} is already ${disabled ? 'disabled' : 'enabled'}; nothing changed.`);
    return;
  }
  env.print(disabled ? `Disabled ${email}: they are signed out of the desk and can no longer sign in.` : `Enabled ${email}: they can sign in at the desk again.`);
}

export const disableStaff = command({
  name: 'disable-staff',
  summary: 'Stop a desk account from signing in (ends their sessions), with the reason for the Logboek.',
  options: ['email', 'reason'],
  run: (options, env) => setDisabled(options, true, env),
});

export const enableStaff = command({
  name: 'enable-staff',
  summary: 'Let a disabled desk account sign in again, with the reason for the Logboek.',
  options: ['email', 'reason'],
  run: (options, env) => setDisabled(options, false, env),
});

/** The way back in when an admin (perhaps the only one) lost their app, passkeys and recovery codes. */
export const resetStaffTwoFactor = command({
  name: 'reset-staff-two-factor',
  summary: 'Turn off the app, recovery codes and passkeys of a staff member who lost them; they set up the app again at their next sign-in.',
  options: ['email', 'reason'],
  async run(options, env) {
    const { member, email, reason } = await staffMember(options, env);
    const { inTransaction } = await env.services();
    const reset = await inTransaction((stores) => resetTwoFactorOf(stores, member.id, { staffId: null, origin: {}, details: { reason, ...BY_ADMIN_CLI } }));
    // Nothing to do is not a failure, as for disable-staff on a disabled account: exit code 0.
    if (!reset) return env.print(`${email} has no two-step sign-in set up; nothing changed.`);
    const removed = reset.passkeys > 0 ? `app, recovery codes and ${reset.passkeys === 1 ? 'passkey' : `${reset.passkeys} passkeys`}` : 'app and recovery codes';
    env.print(
      [
        `Turned off two-step sign-in for ${email}: their ${removed} no longer work.`,
        'They are signed out of the desk. At their next sign-in, after their password, they set up the app again.',
        'The reset and your reason are in the desk\'s Logboek.',
      ].join('\n'),
    );
  },
});

const disabledRefusal = (email: string) => new CommandFailure(`${email} is disabled and could not sign in with it; nothing changed. Enable them first (enable-staff).`);

/** The way back in for a staff member (perhaps the only admin) who forgot their password. */
export const resetStaffPassword = command({
  name: 'reset-staff-password',
  summary: 'Give a staff member who forgot their password a one-time one, read from standard input; they choose their own at their next sign-in.',
  options: ['email', 'reason'],
  readsPassword: true,
  async run(options, env) {
    const { member, email, reason } = await staffMember(options, env);
    if (member.disabled) throw disabledRefusal(email); // before asking for a password
    const { hasher, inTransaction, staffSignIn, clock } = await env.services();
    const password = await env.readNewPassword();
    await assertAcceptablePassword(password, member);
    const hash = await hasher.hash(asGivenOneTimePassword(password)); // as the sign-in checks it; slow: before the transaction
    const until = oneTimePasswordUntil(clock.now(), env.staffOneTimePasswordDays);
    const by = { staffId: null, origin: {}, details: { reason, ...BY_ADMIN_CLI } };
    if (!(await inTransaction((stores) => giveStaffOneTimePassword(stores, member.id, { hash, until }, by)))) throw disabledRefusal(email);
    await staffSignIn.forgetAccountFailures(email); // the wrong guesses at the forgotten one lock it no more
    const next = member.twoFactorMethod
      ? 'with it and a code from their authenticator app, and choose their own password before anything else'
      : 'with it, choose their own password and set up their authenticator app before anything else';
    env.print(
      [
        `Gave ${email} a one-time password: their old password no longer works, and they are signed out of the desk.`,
        `They sign in at ${env.siteOrigin}${paths.desk.home} ${next}.`,
        `It works until ${zonedDateTimeFormatter(env.timeZone)(until)}; after that, give them a new one.`,
        'The change and your reason are in the desk\'s Logboek.',
      ].join('\n'),
    );
  },
});
