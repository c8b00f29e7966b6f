import { Router } from 'express';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { TwoFactorStore } from '../../domain/two-factor';
import { requireSignedIn } from '../../http/authentication';

/** The notice for each ?gewijzigd= value the manage pages redirect with. */
const CHANGE_NOTICES = new Map([
  ['telefoonnummer', 'manage.changed.telefoonnummer'],
  ['methode', 'manage.changed.methode'],
  ['herstelcodes', 'manage.changed.herstelcodes'],
  ['uit', 'manage.changed.uit'],
]);

export function twoFactorStatusRoutes(deps: { twoFactor: TwoFactorStore }): Router {
  const router = Router();

  router.get('/account/twee-stappen', requireSignedIn, async (req, res) => {
    // A finished wizard is forgotten once the patient is back here ("Sluiten").
    if (req.session.twoFactorSetup?.step === 'done') delete req.session.twoFactorSetup;
    const status = await deps.twoFactor.status(req.user!.id);
    const maskedPhone = status.enabled && status.phone ? maskPhoneNumber(status.phone) : null;
    const notice = CHANGE_NOTICES.get(String(req.query.gewijzigd));
    const changed = notice ? res.locals.t(notice) : null;
    res.render('two-factor-status/index', { status, maskedPhone, changed });
  });

  // Public, so it can be read before signing in as well.
  router.get('/hulp/twee-stappen', (_req, res) => res.render('two-factor-status/about'));
  return router;
}
