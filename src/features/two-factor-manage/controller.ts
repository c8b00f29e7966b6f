import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { PasskeyStore } from '../../domain/passkeys';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { RandomSource } from '../../domain/random';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecondFactor } from '../../domain/second-factor';
import type { SecretBox } from '../../domain/secret-box';
import type { InTransaction } from '../../domain/account-stores';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import { newCodesPages } from '../../components/recovery-codes/output';
import { createAnnounce } from './announce';
import { redirectToTwoStepStatus } from '../two-factor-status/controller';
import { createAppSwitch } from './app-switch';
import { createPhoneFlow } from './phone-flow';
import { TOTP_ISSUER } from '../../domain/totp';

const { twoStep } = paths;

export interface ManageDeps {
  users: UserStore;
  passkeys: PasskeyStore;
  secondFactor: SecondFactor;
  clock: Clock;
  recoveryCodes: RecoveryCodes;
  inTransaction: InTransaction;
  random: RandomSource;
  secretBox: SecretBox;
  auth: AuthLevels;
  allowedCountries: string[];
  twoFactorRequired: boolean;
}

export type ManageController = ReturnType<typeof createManageController>;

export function createManageController(deps: ManageDeps) {
  const announce = createAnnounce(deps);
  const newCodes = newCodesPages({ secretBox: deps.secretBox, recoveryCodes: deps.recoveryCodes, key: 'sealedNewRecoveryCodes', view: 'two-factor-manage/codes', codesPath: twoStep.codes, elsewhere: twoStep.status, accountOf: (req) => req.user!, issuer: TOTP_ISSUER, clock: deps.clock });

  /** A new number for SMS users; the old one stays in use until the new one is verified. */
  const phoneChange = createPhoneFlow(deps, {
    purpose: 'phone_change',
    paths: { form: twoStep.phone, verify: twoStep.phoneVerify, resend: twoStep.phoneResend },
    texts: { title: 'twoFactorManage.phoneTitle', intro: 'twoFactorManage.phoneIntro', submit: 'twoFactorManage.phoneSubmit', verifyTitle: 'twoFactorManage.phoneVerifyTitle', verifySubmit: 'twoFactorManage.phoneVerifySubmit' },
    async finish(req, phone) {
      await announce(req, 'phone_changed', (stores) => stores.twoFactor.changePhone(req.user!.id, phone), { phone: maskPhoneNumber(phone) });
      return 'phone';
    },
  });

  /** From the app to SMS; the app stays in use until the number is verified. Recovery codes stay. */
  const smsSwitch = createPhoneFlow(deps, {
    purpose: 'switch_sms',
    paths: { form: twoStep.switchSms, verify: twoStep.switchSmsVerify, resend: twoStep.switchSmsResend },
    texts: { title: 'twoFactorManage.switchSms.title', intro: 'twoFactorManage.switchSms.intro', introPasskey: 'twoFactorManage.switchSms.introPasskey', risk: 'twoFactorSetup.method.smsHint', submit: 'twoFactorManage.switchSms.submit', verifyTitle: 'twoFactorManage.switchSms.verifyTitle', verifySubmit: 'twoFactorManage.switchSms.verifySubmit' },
    async finish(req, phone) {
      await announce(req, 'method_switched', (stores) => stores.twoFactor.switchToSms(req.user!.id, phone), { method: 'sms' });
      req.log.info({ userId: req.user!.id }, 'two-step switched to SMS');
      return 'method';
    },
  });

  return {
    phoneChange,
    smsSwitch,
    appSwitch: createAppSwitch(deps, announce),

    showNewCodes: (_req: Request, res: Response) => res.render('two-factor-manage/new-codes'),

    async makeNewCodes(req: Request, res: Response) {
      if (await newCodes.isWaiting(req)) return res.redirect(twoStep.codes); // a late second click
      const codes = deps.recoveryCodes.generate();
      const hashed = await deps.recoveryCodes.hashForStorage(codes); // slow: before the transaction
      await announce(req, 'recovery_codes_renewed', (stores) => stores.twoFactor.replaceRecoveryCodes(req.user!.id, hashed));
      newCodes.keep(req, codes, hashed.hashes);
      res.redirect(twoStep.codes);
    },

    ...newCodes.pages,

    codesSaved(req: Request, res: Response) {
      newCodes.forget(req);
      redirectToTwoStepStatus(req, res, 'recoveryCodes');
    },

    /** The warning names the passkeys only to a patient who has them: turning two-step off removes them too. */
    async showTurnOff(req: Request, res: Response) {
      const hasPasskeys = (await deps.passkeys.countForUser(req.user!.id)) > 0;
      res.render('two-factor-manage/turn-off', { allowed: !deps.twoFactorRequired, hasPasskeys });
    },

    async turnOff(req: Request, res: Response) {
      if (deps.twoFactorRequired) return res.status(403).render('two-factor-manage/turn-off', { allowed: false });
      await announce(req, 'two_factor_disabled', async (stores) => {
        const passkeys = await stores.passkeys.countForUser(req.user!.id);
        if (!(await stores.twoFactor.disable(req.user!.id))) return false;
        // The passkeys go with it: the record, Berichten and the e-mail say so.
        return passkeys > 0 ? { details: { removed: 'passkeys' } } : true;
      });
      redirectToTwoStepStatus(req, res, 'off');
    },
  };
}
