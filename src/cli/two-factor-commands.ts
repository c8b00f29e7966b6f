import { resetTwoFactor as resetPatientTwoFactor } from '../domain/clinic-actions';
import { CommandFailure } from './args';
import { command } from './command';
import { describeTwoFactor } from './user-columns';
import { validEmail, validReason } from './validation';

export const resetTwoFactor = command({
  name: 'reset-two-factor',
  summary: 'Turn off two-step for a patient who lost phone and codes (after an ID check).',
  options: ['email', 'reason'],
  async run(options, env) {
    const email = validEmail(options.email);
    const reason = validReason(options.reason);
    const { users, inTransaction } = await env.services();
    const user = await users.findByEmail(email);
    if (!user) throw new CommandFailure(`No patient has the e-mail address ${email}.`);

    // All of it or, when any write fails, none of it: a patient never ends up with two-step off
    // but still signed in elsewhere, or reset without a record of who did it and why.
    const reset = await inTransaction((stores) => resetPatientTwoFactor(stores, user.id, { staffId: null, origin: {}, reason }));
    // Nothing to do (never set up, or reset by someone else meanwhile) is not a failure, as for
    // disable-user on a disabled account: exit code 0.
    if (!reset) return env.print(`${email} does not have two-step sign-in turned on; nothing changed.`);
    const { status, passkeys } = reset;

    const codes = status.recoveryCodesLeft === 1 ? '1 recovery code' : `${status.recoveryCodesLeft} recovery codes`;
    env.print(
      [
        `Turned off two-step sign-in for ${email} (was ${describeTwoFactor(status, passkeys)}; ${codes} left, now removed${passkeys > 0 ? ', and the passkeys too' : ''}).`,
        'They are signed out everywhere. The reset and your reason are in their activity log and the desk\'s Logboek, and they have a message in Berichten.',
        env.twoFactorRequired
          ? 'At their next sign-in, after their password, they set up two-step again before they can continue.'
          : 'At their next sign-in they use only their password; ask them to set up two-step again straight away (Mijn account).',
      ].join('\n'),
    );
  },
});
