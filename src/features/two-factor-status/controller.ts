import type { Request, Response } from 'express';
import { MAX_PASSKEYS_PER_ACCOUNT, type PasskeyStore } from '../../domain/passkeys';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { TwoFactorStore } from '../../domain/two-factor';

/** The notice for each ?gewijzigd= value the manage pages redirect with. */
const CHANGE_NOTICES = new Map([
  ['telefoonnummer', 'twoFactorManage.changed.telefoonnummer'],
  ['methode', 'twoFactorManage.changed.methode'],
  ['herstelcodes', 'twoFactorManage.changed.herstelcodes'],
  ['uit', 'twoFactorManage.changed.uit'],
  ['toegangssleutel', 'passkeys.changed.added'],
  ['toegangssleutel-aan', 'passkeys.changed.enabled'],
  ['toegangssleutel-naam', 'passkeys.changed.renamed'],
  ['toegangssleutel-verwijderd', 'passkeys.changed.removed'],
]);

/** "Authenticatie in twee stappen": on or off, with what, and what can be changed; the passkeys; and the explanation. */
export function createTwoFactorStatusController(deps: { twoFactor: TwoFactorStore; passkeys: PasskeyStore }) {
  return {
    async show(req: Request, res: Response) {
      // A finished wizard is forgotten once the patient is back here ("Sluiten").
      if (req.session.twoFactorSetup?.step === 'done') delete req.session.twoFactorSetup;
      const status = await deps.twoFactor.status(req.user!.id);
      const maskedPhone = status.enabled && status.phone ? maskPhoneNumber(status.phone) : null;
      const notice = CHANGE_NOTICES.get(String(req.query.gewijzigd));
      const passkeys = await deps.passkeys.listForUser(req.user!.id);
      res.render('two-factor-status/index', {
        status,
        maskedPhone,
        passkeys,
        passkeysFull: passkeys.length >= MAX_PASSKEYS_PER_ACCOUNT,
        changed: notice ? res.locals.t(notice) : null,
      });
    },

    showAbout: (_req: Request, res: Response) => res.render('two-factor-status/about'),
  };
}

export type TwoFactorStatusController = ReturnType<typeof createTwoFactorStatusController>;
