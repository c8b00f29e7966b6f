import { UsageError } from './args';
import type { Command } from './command';
import { listMail, retryMail } from './mail-commands';
import { listQuestions } from './question-commands';
import { createStaff, disableStaff, enableStaff, listStaff, resetStaffPassword, resetStaffTwoFactor } from './staff-commands';
import { resetTwoFactor } from './two-factor-commands';
import { createUser, disableUser, enableUser, listUsers, resetPassword } from './user-commands';

export type { Command, CommandEnv } from './command';

/** Every admin command, in the order `help` shows them. */
export const COMMANDS: readonly Command[] = [createUser, listUsers, disableUser, enableUser, resetPassword, resetTwoFactor, listQuestions, listMail, retryMail, createStaff, listStaff, disableStaff, enableStaff, resetStaffPassword, resetStaffTwoFactor];

export function findCommand(name: string): Command {
  const found = COMMANDS.find((candidate) => candidate.name === name);
  if (!found) throw new UsageError(`Unknown command "${name}".`);
  return found;
}
