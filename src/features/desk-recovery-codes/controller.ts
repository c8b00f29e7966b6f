import type { Request, Response } from 'express';
import { checkIdentity, IDENTITY_FIELDS, type IdentityCheckDeps } from '../../components/desk-access/identity-check';
import { newCodesPages } from '../../components/recovery-codes/output';
import type { InTransaction } from '../../domain/account-stores';
import type { Clock } from '../../domain/clock';
import type { RecoveryCodes } from '../../domain/recovery-codes';
import type { SecretBox } from '../../domain/secret-box';
import type { StaffMember, StaffStore } from '../../domain/staff';
import { TwoFactorOffError } from '../../domain/two-factor';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { type FieldError, readFields, renderFormErrors } from '../../http/forms';
import { paths } from '../../paths';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { STAFF_TOTP_ISSUER } from '../../domain/totp';

const { recoveryCodes: PATHS } = paths.desk;
const VIEWS = { page: 'desk-recovery-codes/index', codes: 'desk-recovery-codes/codes' } as const;

export interface DeskRecoveryCodesDeps extends IdentityCheckDeps {
  auth: AuthLevels<StaffMember>;
  staff: StaffStore;
  staffRecoveryCodes: RecoveryCodes;
  secretBox: SecretBox;
  inTransaction: InTransaction;
  clock: Clock;
}

export type DeskRecoveryCodesController = ReturnType<typeof createDeskRecoveryCodesController>;

/**
 * A staff member's own recovery codes ("Herstelcodes"): how many are left, and new ones after the
 * current password and a code from the app. The old ones stop working at once; the
 * new ones are shown, printed or downloaded until the staff member says they saved them.
 */
export function createDeskRecoveryCodesController(deps: DeskRecoveryCodesDeps) {
  const newCodes = newCodesPages({ secretBox: deps.secretBox, recoveryCodes: deps.staffRecoveryCodes, key: 'deskNewRecoveryCodes', view: VIEWS.codes, codesPath: PATHS.codes, elsewhere: PATHS.page, accountOf: (req) => req.staff!, issuer: STAFF_TOTP_ISSUER, clock: deps.clock });

  async function renderPage(req: Request, res: Response, status = 200, errors: FieldError[] = [], values: Record<string, string> = {}) {
    const remaining = await deps.staffRecoveryCodes.countRemaining(req.staff!.id);
    renderFormErrors(res, VIEWS.page, errors, values, { remaining, done: status === 200 && takePageNotice(req, res) === 'renewed' }, status);
  }

  return {
    show: (req: Request, res: Response) => renderPage(req, res),

    async renew(req: Request, res: Response) {
      // A second click that came after the first had made them: its code is used, the codes are made.
      if (await newCodes.isWaiting(req)) return res.redirect(PATHS.codes);
      const member = req.staff!;
      const fields = readFields(req.body, IDENTITY_FIELDS);
      const { errors, throttled } = await checkIdentity(deps, req, res, fields);
      // The code field may hold a recovery code, a secret: it is not shown again.
      if (errors.length > 0) return renderPage(req, res, throttled ? 429 : 400, errors, {});
      const codes = deps.staffRecoveryCodes.generate();
      const hashed = await deps.staffRecoveryCodes.hashForStorage(codes); // slow: before the transaction
      // The new codes and their row in the Logboek land together.
      try {
        await deps.inTransaction(async (stores) => {
          await stores.staffTwoFactor.replaceRecoveryCodes(member.id, hashed);
          await stores.staffAudit.record(member.id, 'recovery_codes_renewed', requestOrigin(req));
        });
      } catch (err) {
        // An admin reset their two-step meanwhile, which also ended their sessions: the page leads to signing in again.
        if (!(err instanceof TwoFactorOffError)) throw err;
        return res.redirect(PATHS.page);
      }
      await deps.auth.endOtherSessions(req, deps.staff); // as every change to how the member signs in
      newCodes.keep(req, codes, hashed.hashes);
      res.redirect(PATHS.codes);
    },

    ...newCodes.pages,

    codesSaved(req: Request, res: Response) {
      newCodes.forget(req);
      redirectWithNotice(req, res, PATHS.page, 'renewed');
    },
  };
}
