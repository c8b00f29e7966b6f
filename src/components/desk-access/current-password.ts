import type { Request, Response } from 'express';
import type { SignInService } from '../../domain/sign-in';
import type { StaffMember } from '../../domain/staff';
import { requestOrigin } from '../../http/authentication';
import type { FieldError } from '../../http/forms';

/**
 * The signed-in staff member's current password, as a page asks for it before a change: checked
 * under the desk's sign-in throttle (a place is taken before the hash is compared), so no such
 * form is a way round it. Null when it is right; otherwise the error for field `currentPassword`.
 */
export async function checkCurrentPassword(
  staffSignIn: SignInService<StaffMember>,
  req: Request,
  res: Response,
  password: string,
): Promise<{ error: FieldError; throttled: boolean } | null> {
  const { t, formatTime } = res.locals;
  const at = (message: string, throttled = false) => ({ error: { field: 'currentPassword', message }, throttled });
  if (password === '') return at(t('deskAccess.currentPassword.required'));
  const result = await staffSignIn.checkPassword(req.staff!.email, password, requestOrigin(req));
  if (result.status === 'ok') return null;
  if (result.status === 'throttled') return at(t('deskAccess.currentPassword.throttled', { time: formatTime(result.retryAt) }), true);
  return at(t('deskAccess.currentPassword.wrong'));
}
