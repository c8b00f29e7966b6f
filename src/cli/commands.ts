import { DuplicateEmailError } from '../domain/users';
import type { Services } from '../services';
import { CommandFailure, UsageError } from './args';
import { readNewPassword } from './read-password';
import { formatTable } from './table';
import { userColumns } from './user-columns';
import { assertAcceptablePassword, validEmail, validName } from './validation';

export interface CommandEnv {
  /** Opens the database on first use; validation before it needs no database. */
  services(): Promise<Services>;
  timeZone: string;
}

export interface Command<Option extends string = string> {
  name: string;
  summary: string;
  options: readonly Option[];
  run(options: Record<Option, string>, env: CommandEnv): Promise<void>;
}

const BY_ADMIN_CLI = { by: 'admin-cli' };

const command = <const Option extends string>(definition: Command<Option>): Command<Option> => definition;

const duplicate = (email: string) => new CommandFailure(`A patient with the e-mail address ${email} already exists.`);

async function setDisabled(emailInput: string, disabled: boolean, env: CommandEnv): Promise<void> {
  const email = validEmail(emailInput);
  const { users, audit } = await env.services();
  const user = await users.findByEmail(email);
  if (!user) throw new CommandFailure(`No patient has the e-mail address ${email}.`);
  if (user.disabled === disabled) {
    console.log(`${email} is already ${disabled ? 'disabled' : 'enabled'}; nothing changed.`);
    return;
  }
  await users.setDisabled(user.id, disabled);
  await audit.record(user.id, disabled ? 'account_disabled' : 'account_enabled', {}, BY_ADMIN_CLI);
  console.log(disabled ? `Disabled ${email}: they are signed out and can no longer sign in.` : `Enabled ${email}: they can sign in again.`);
}

export const COMMANDS: readonly Command[] = [
  command({
    name: 'create-user',
    summary: 'Create a patient. The password is read from standard input.',
    options: ['email', 'name'],
    async run(options, env) {
      const email = validEmail(options.email);
      const name = validName(options.name);
      const { users, audit, hasher } = await env.services();
      if (await users.findByEmail(email)) throw duplicate(email);
      const password = await readNewPassword();
      assertAcceptablePassword(password, { email, name });
      const passwordHash = await hasher.hash(password);
      const user = await users.create({ email, name, passwordHash }).catch((err: unknown) => {
        throw err instanceof DuplicateEmailError ? duplicate(email) : err;
      });
      await audit.record(user.id, 'account_created', {}, BY_ADMIN_CLI);
      console.log(`Created patient ${user.id}: ${user.email} (${user.name}).`);
    },
  }),
  command({
    name: 'list-users',
    summary: 'List all patients.',
    options: [],
    async run(_options, env) {
      const users = await (await env.services()).users.list();
      console.log(users.length === 0 ? 'There are no patients yet.' : formatTable(userColumns(env.timeZone), users));
    },
  }),
  command({
    name: 'disable-user',
    summary: 'Stop a patient from signing in (ends their sessions).',
    options: ['email'],
    run: (options, env) => setDisabled(options.email, true, env),
  }),
  command({
    name: 'enable-user',
    summary: 'Let a disabled patient sign in again.',
    options: ['email'],
    run: (options, env) => setDisabled(options.email, false, env),
  }),
];

export function findCommand(name: string): Command {
  const found = COMMANDS.find((candidate) => candidate.name === name);
  if (!found) throw new UsageError(`Unknown command "${name}".`);
  return found;
}
