import { isStaffRole, STAFF_ROLES, type StaffMember } from '../domain/staff';
import { addStaffMember } from '../domain/staff-admin';
import { DuplicateEmailError } from '../domain/users';
import { CommandFailure } from './args';
import { BY_ADMIN_CLI, command } from './command';
import { dateFormatter } from './dates';
import { formatTable, type Column } from './table';
import { assertAcceptablePassword, validEmail, validName } from './validation';

const duplicate = (email: string) => new CommandFailure(`A staff member with the e-mail address ${email} already exists.`);

export const createStaff = command({
  name: 'create-staff',
  summary: 'Create a desk account (--role desk or admin). The password is read from standard input.',
  options: ['email', 'name', 'role'],
  async run(options, env) {
    const email = validEmail(options.email);
    const name = validName(options.name);
    const role = options.role.trim();
    if (!isStaffRole(role)) throw new CommandFailure(`--role must be one of ${STAFF_ROLES.join(', ')}, not "${options.role}".`);
    const { staff, hasher, inTransaction } = await env.services();
    if (await staff.findByEmail(email)) throw duplicate(email);
    const password = await env.readNewPassword();
    await assertAcceptablePassword(password, { email, name });
    const passwordHash = await hasher.hash(password); // slow: before the transaction
    // The account and the record of who created it land together.
    const member = await inTransaction((stores) =>
      addStaffMember(stores, { email, name, role, passwordHash, mustChangePassword: false }, { staffId: null, origin: {}, details: BY_ADMIN_CLI }).catch((err: unknown) => {
        throw err instanceof DuplicateEmailError ? duplicate(email) : err;
      }),
    );
    env.print(
      [
        `Created staff member ${member.id}: ${member.email} (${member.name}, ${member.role}).`,
        'They sign in at /balie and set up their authenticator app before anything else.',
      ].join('\n'),
    );
  },
});

function staffColumns(timeZone: string): Column<StaffMember>[] {
  const date = dateFormatter(timeZone);
  return [
    { header: 'ID', value: (member) => String(member.id) },
    { header: 'E-mail', value: (member) => member.email },
    { header: 'Name', value: (member) => member.name },
    { header: 'Role', value: (member) => member.role },
    { header: 'Status', value: (member) => (member.disabled ? 'disabled' : 'enabled') },
    { header: 'Two-step', value: (member) => (member.twoFactorMethod ? 'app' : 'not set up') },
    { header: 'Created', value: (member) => date(member.createdAt) },
  ];
}

export const listStaff = command({
  name: 'list-staff',
  summary: 'List the desk accounts, with their role and two-step sign-in.',
  options: [],
  async run(_options, env) {
    const members = await (await env.services()).staff.list();
    env.print(members.length === 0 ? 'There are no staff accounts yet.' : formatTable(staffColumns(env.timeZone), members));
  },
});
