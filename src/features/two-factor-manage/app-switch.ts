import type { Request, Response } from 'express';
import type { Clock } from '../../domain/clock';
import type { RandomSource } from '../../domain/random';
import type { SecretBox } from '../../domain/secret-box';
import { generateTotpSecret, verifyTotp } from '../../domain/totp';
import type { TwoFactorStore } from '../../domain/two-factor';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { requestOrigin } from '../../http/authentication';
import { validateSmsCode } from '../../http/code-fields';
import { readFields, renderFormErrors } from '../../http/forms';
import type { SecurityNotifier } from '../../domain/security-notifier';
import { totpPairing } from '../two-factor-setup/totp-pairing';
import { type Announce, doneRedirect } from './announce';
import { MANAGE_PATHS } from './paths';

declare module 'express-session' {
  interface SessionData {
    /** The new app's secret (base32) until a code from it is verified; SMS stays in use until then. */
    totpSwitch: { secret: string };
  }
}

export interface AppSwitchDeps {
  twoFactor: TwoFactorStore;
  notifier: SecurityNotifier;
  clock: Clock;
  random: RandomSource;
  secretBox: SecretBox;
}

const PAIR_VIEW = 'two-factor-manage/switch-app-pair';

/** From SMS to an authenticator app: pair it, prove it with a code, and only then switch. */
export function createAppSwitch(deps: AppSwitchDeps, announce: Announce) {
  async function pairLocals(req: Request, res: Response) {
    return { pairing: await totpPairing(req.session.totpSwitch!.secret, req.user!.email, res.locals.t('twoFactor.pair.qrLabel')) };
  }

  return {
    showStart: (_req: Request, res: Response) => res.render('two-factor-manage/switch-app'),

    /** Makes the secret (kept when there is one: the app may hold it already). */
    start(req: Request, res: Response) {
      req.session.totpSwitch ??= { secret: generateTotpSecret(deps.random) };
      res.redirect(303, MANAGE_PATHS.switchAppPair);
    },

    async showPair(req: Request, res: Response) {
      if (!req.session.totpSwitch) return res.redirect(303, MANAGE_PATHS.switchApp);
      res.render(PAIR_VIEW, await pairLocals(req, res));
    },

    async submitPair(req: Request, res: Response) {
      const pending = req.session.totpSwitch;
      if (!pending) return res.redirect(303, MANAGE_PATHS.switchApp);
      const userId = req.user!.id;
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSmsCode(code, res.locals.t);
      const step = errors.length === 0 ? verifyTotp(pending.secret, normalizeCodeInput(code), deps.clock.now()) : null;
      if (step === null) {
        if (errors.length === 0) {
          await deps.notifier.notify(userId, 'two_factor_code_wrong', requestOrigin(req), { purpose: 'setup', result: 'wrong', method: 'totp' });
          errors.push({ field: 'code', message: res.locals.t('twoFactor.verifyApp.errors.wrong') });
        }
        return renderFormErrors(res, PAIR_VIEW, errors, { code: code.trim() }, await pairLocals(req, res));
      }
      await deps.twoFactor.switchToTotp(userId, deps.secretBox.seal(pending.secret), step);
      delete req.session.totpSwitch;
      await announce(req, 'method_switched', { method: 'totp' });
      req.log.info({ userId }, 'two-step switched to the authenticator app');
      doneRedirect(res, 'methode');
    },
  };
}
