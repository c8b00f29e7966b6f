import type { Request, Response } from 'express';
import { MAX_PASSKEYS_PER_ACCOUNT, type PasskeyStore } from '../../domain/passkeys';
import { fewCodesLeftOf } from '../../components/recovery-codes/left';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { TwoFactorStore } from '../../domain/two-factor';
import { redirectWithNotice, takePageNoticeText } from '../../http/page-notice';
import { paths } from '../../paths';
import { forgetFinishedSetup } from '../two-factor-setup/wizard';

/** What the manage and passkey pages may say they changed when they lead back here, and its text. */
const CHANGE_NOTICES = {
  phone: 'twoFactorManage.changed.phone',
  method: 'twoFactorManage.changed.method',
  recoveryCodes: 'twoFactorManage.changed.recoveryCodes',
  off: 'twoFactorManage.changed.off',
  passkeyAdded: 'passkeys.changed.added',
  passkeyTurnedOn: 'passkeys.changed.enabled',
  passkeyRenamed: 'passkeys.changed.renamed',
  passkeyRemoved: 'passkeys.changed.removed',
  passkeyGone: 'passkeys.changed.gone',
  changedMeanwhile: 'twoFactorManage.changed.changedMeanwhile',
} as const;

export type TwoStepChange = keyof typeof CHANGE_NOTICES;

/** Back to the two-step page, which says once what changed. */
export function redirectToTwoStepStatus(req: Request, res: Response, change: TwoStepChange): void {
  redirectWithNotice(req, res, paths.twoStep.status, change);
}

/** "Authenticatie in twee stappen": on or off, with what, and what can be changed; the passkeys; and the explanation. */
export function createTwoFactorStatusController(deps: { twoFactor: TwoFactorStore; passkeys: PasskeyStore }) {
  return {
    async show(req: Request, res: Response) {
      forgetFinishedSetup(req);
      const status = await deps.twoFactor.status(req.user!.id);
      const maskedPhone = status.enabled && status.phone ? maskPhoneNumber(status.phone) : null;
      const passkeys = await deps.passkeys.listForUser(req.user!.id);
      res.render('two-factor-status/index', {
        status,
        maskedPhone,
        passkeys,
        passkeysFull: passkeys.length >= MAX_PASSKEYS_PER_ACCOUNT,
        few: fewCodesLeftOf(status),
        changed: takePageNoticeText(req, res, CHANGE_NOTICES),
      });
    },

    showAbout: (_req: Request, res: Response) => res.render('two-factor-status/about'),
  };
}

export type TwoFactorStatusController = ReturnType<typeof createTwoFactorStatusController>;
