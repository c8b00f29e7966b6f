import { REASON_MAX_LENGTH, reasonProblem, type ReasonProblem } from '../../domain/reasons';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';

const MESSAGES: Record<ReasonProblem, string> = {
  required: 'deskReason.errors.required',
  too_long: 'deskReason.errors.tooLong',
  invalid_characters: 'deskReason.errors.invalid',
};

/** The reason field of a desk action's confirmation page (patients' and staff members' accounts). */
export function validateReason(reason: string, t: Translate): FieldError[] {
  const problem = reasonProblem(reason);
  return problem ? [{ field: 'reason', message: t(MESSAGES[problem], { max: REASON_MAX_LENGTH }) }] : [];
}
