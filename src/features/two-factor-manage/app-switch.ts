import type { Request, Response } from 'express';
import type { RandomSource } from '../../domain/random';
import type { SecondFactor } from '../../domain/second-factor';
import type { SecretBox } from '../../domain/secret-box';
import { generateTotpSecret } from '../../domain/totp';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import { secondFactorMessage } from '../../components/one-time-code/messages';
import { validateSixDigitCode } from '../../components/one-time-code/validation';
import { paths } from '../../paths';
import { totpPairing } from '../../components/totp-pairing/pairing';
import { type Announce } from './announce';
import { redirectToTwoStepStatus } from '../two-factor-status/controller';


export interface AppSwitchDeps {
  secondFactor: SecondFactor;
  random: RandomSource;
  secretBox: SecretBox;
}

const PAIR_VIEW = 'two-factor-manage/switch-app-pair';

/** From SMS to an authenticator app: pair it, prove it with a code, and only then switch. */
export function createAppSwitch(deps: AppSwitchDeps, announce: Announce) {
  const secretOf = (req: Request) => deps.secretBox.open(req.session.totpSwitch!.sealedSecret);

  async function pairLocals(req: Request, res: Response) {
    return { pairing: await totpPairing(secretOf(req), req.user!.email, res.locals.t) };
  }

  return {
    showStart: (_req: Request, res: Response) => res.render('two-factor-manage/switch-app'),

    /** Makes the secret (kept when there is one: the app may hold it already). */
    start(req: Request, res: Response) {
      req.session.totpSwitch ??= { sealedSecret: deps.secretBox.seal(generateTotpSecret(deps.random)) };
      res.redirect(paths.twoStep.switchAppPair);
    },

    async showPair(req: Request, res: Response) {
      if (!req.session.totpSwitch) return res.redirect(paths.twoStep.switchApp);
      res.render(PAIR_VIEW, await pairLocals(req, res));
    },

    async submitPair(req: Request, res: Response) {
      const pending = req.session.totpSwitch;
      if (!pending) return res.redirect(paths.twoStep.switchApp);
      const userId = req.user!.id;
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSixDigitCode(code, res.locals.t);
      const result = errors.length === 0
        ? await deps.secondFactor.check(userId, 'switch_app', { kind: 'app', code, secret: secretOf(req) }, requestOrigin(req))
        : undefined;
      if (result?.status !== 'ok') {
        if (result) errors.push({ field: 'code', message: secondFactorMessage(result, res.locals) });
        return renderFormErrors(res, PAIR_VIEW, errors, { code: code.trim() }, await pairLocals(req, res));
      }
      await announce(req, 'method_switched', (stores) => stores.twoFactor.switchToTotp(userId, pending.sealedSecret, result.totpStep ?? null), { method: 'totp' });
      delete req.session.totpSwitch;
      req.log.info({ userId }, 'two-step switched to the authenticator app');
      redirectToTwoStepStatus(req, res, 'method');
    },
  };
}
