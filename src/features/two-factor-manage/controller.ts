import type { Request, Response } from 'express';
import { listCountries, maskPhoneNumber } from '../../domain/phone-numbers';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecondStep } from '../../domain/second-step';
import type { SecurityNotifier } from '../../domain/security-notifier';
import type { SmsCodeService } from '../../domain/sms-codes';
import type { TwoFactorStore } from '../../domain/two-factor';
import type { UserStore } from '../../domain/users';
import { normalizeCodeInput } from '../../domain/verification-codes';
import { endOtherSessions, requestOrigin } from '../../http/authentication';
import { validateSmsCode } from '../../http/code-fields';
import { readFields, renderFormErrors } from '../../http/forms';
import { smsProblem } from '../../http/sms-outcome';
import { renderPrintableCodes, sendCodesFile } from '../two-factor-setup/recovery-codes-output';
import { validatePhone } from '../two-factor-setup/validation';

declare module 'express-session' {
  interface SessionData {
    /** A new number waiting for its code; the old one stays in use until then. */
    phoneChange: { phone: string; country: string; phoneInput: string };
    /** New recovery codes, kept only until the patient says they saved them. */
    newRecoveryCodes: string[];
  }
}

export const MANAGE_BASE = '/account/twee-stappen';
export const MANAGE_PATHS = {
  phone: `${MANAGE_BASE}/telefoonnummer-wijzigen`,
  phoneVerify: `${MANAGE_BASE}/telefoonnummer-wijzigen/verificatie`,
  newCodes: `${MANAGE_BASE}/herstelcodes/nieuw`,
  codes: `${MANAGE_BASE}/herstelcodes`,
  turnOff: `${MANAGE_BASE}/uitzetten`,
};

export interface ManageDeps {
  users: UserStore;
  twoFactor: TwoFactorStore;
  smsCodes: SmsCodeService;
  secondStep: SecondStep;
  recoveryCodes: RecoveryCodes;
  notifier: SecurityNotifier;
  allowedCountries: string[];
  twoFactorRequired: boolean;
}

const countryNames = new Map(listCountries().map((c) => [c.code, c.name]));

export function createManageController(deps: ManageDeps) {
  const { twoFactor, smsCodes, notifier } = deps;

  /** The change is made: record it, tell the patient, and end their other sessions. */
  async function announce(req: Request, type: Parameters<SecurityNotifier['notify']>[1], details: Record<string, string | number> = {}) {
    await notifier.notify(req.user!.id, type, requestOrigin(req), details);
    await endOtherSessions(req, deps.users);
  }

  const doneRedirect = (res: Response, what: string) => res.redirect(303, `${MANAGE_BASE}?gewijzigd=${what}`);

  async function verifyLocals(req: Request) {
    return {
      maskedPhone: maskPhoneNumber(req.session.phoneChange!.phone),
      nextAllowedAt: await smsCodes.nextAllowedAt(req.user!.id, 'setup'),
    };
  }

  async function sendToNewNumber(req: Request, res: Response, phone: string) {
    const outcome = await smsCodes.send({ userId: req.user!.id, purpose: 'setup', phone, ip: req.ip ?? 'unknown' });
    return smsProblem(outcome, res.locals.t, res.locals.formatTime);
  }

  return {
    showPhone(req: Request, res: Response) {
      const pending = req.session.phoneChange;
      res.render('two-factor-manage/phone', { countries: listCountries(), values: { country: pending?.country ?? 'NL', phone: pending?.phoneInput ?? '' } });
    },

    async submitPhone(req: Request, res: Response) {
      const fields = readFields(req.body, ['country', 'phone'] as const);
      const values = { country: fields.country, phone: fields.phone.trim() };
      const { errors, e164 } = validatePhone(values, deps.allowedCountries, (c) => countryNames.get(c) ?? c, res.locals.t);
      const problem = errors.length === 0 && e164 ? await sendToNewNumber(req, res, e164) : null;
      if (errors.length > 0 || !e164 || problem) {
        const all = problem ? [{ field: 'phone', message: problem.message }] : errors;
        return renderFormErrors(res, 'two-factor-manage/phone', all, values, { countries: listCountries() }, problem?.status ?? 400);
      }
      req.session.phoneChange = { phone: e164, country: values.country, phoneInput: values.phone };
      res.redirect(303, MANAGE_PATHS.phoneVerify);
    },

    async showPhoneVerify(req: Request, res: Response) {
      if (!req.session.phoneChange) return res.redirect(303, MANAGE_PATHS.phone);
      res.render('two-factor-manage/verify', await verifyLocals(req));
    },

    async resendPhoneCode(req: Request, res: Response) {
      if (!req.session.phoneChange) return res.redirect(303, MANAGE_PATHS.phone);
      const problem = await sendToNewNumber(req, res, req.session.phoneChange.phone);
      if (problem) return renderFormErrors(res, 'two-factor-manage/verify', [{ field: 'code', message: problem.message }], {}, await verifyLocals(req), problem.status);
      res.redirect(303, MANAGE_PATHS.phoneVerify);
    },

    async submitPhoneVerify(req: Request, res: Response) {
      const change = req.session.phoneChange;
      if (!change) return res.redirect(303, MANAGE_PATHS.phone);
      const { code } = readFields(req.body, ['code'] as const);
      const errors = validateSmsCode(code, res.locals.t);
      if (errors.length === 0) {
        const result = await deps.secondStep.verifySmsCode(req.user!.id, 'setup', normalizeCodeInput(code));
        if (result.status === 'ok') {
          await twoFactor.changePhone(req.user!.id, change.phone);
          delete req.session.phoneChange;
          await announce(req, 'phone_changed', { phone: maskPhoneNumber(change.phone) });
          return doneRedirect(res, 'telefoonnummer');
        }
        const message = result.status === 'locked' || result.lockedUntil
          ? res.locals.t('secondStep.errors.locked', { time: res.locals.formatTime(result.status === 'locked' ? result.until : result.lockedUntil!) })
          : res.locals.t(`secondStep.errors.${result.reason}`);
        errors.push({ field: 'code', message });
      }
      renderFormErrors(res, 'two-factor-manage/verify', errors, { code: code.trim() }, await verifyLocals(req));
    },

    showNewCodes: (_req: Request, res: Response) => res.render('two-factor-manage/new-codes'),

    async makeNewCodes(req: Request, res: Response) {
      const codes = deps.recoveryCodes.generate();
      await twoFactor.replaceRecoveryCodes(req.user!.id, codes);
      req.session.newRecoveryCodes = codes;
      await announce(req, 'recovery_codes_renewed');
      res.redirect(303, MANAGE_PATHS.codes);
    },

    showCodes(req: Request, res: Response) {
      const codes = req.session.newRecoveryCodes;
      if (!codes) return res.redirect(303, MANAGE_BASE);
      res.render('two-factor-manage/codes', { recoveryCodes: codes.map(deps.recoveryCodes.formatForDisplay), codesPath: MANAGE_PATHS.codes });
    },

    printCodes(req: Request, res: Response) {
      if (!req.session.newRecoveryCodes) return res.redirect(303, MANAGE_BASE);
      renderPrintableCodes(res, req.session.newRecoveryCodes, MANAGE_PATHS.codes);
    },

    downloadCodes(req: Request, res: Response) {
      if (!req.session.newRecoveryCodes) return res.redirect(303, MANAGE_BASE);
      sendCodesFile(res, req.session.newRecoveryCodes, req.user!.email);
    },

    codesSaved(req: Request, res: Response) {
      delete req.session.newRecoveryCodes;
      doneRedirect(res, 'herstelcodes');
    },

    showTurnOff: (_req: Request, res: Response) => res.render('two-factor-manage/turn-off', { allowed: !deps.twoFactorRequired }),

    async turnOff(req: Request, res: Response) {
      if (deps.twoFactorRequired) return res.status(403).render('two-factor-manage/turn-off', { allowed: false });
      await twoFactor.disable(req.user!.id);
      await announce(req, 'two_factor_disabled');
      doneRedirect(res, 'uit');
    },
  };
}
