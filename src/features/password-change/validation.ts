import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';

/** The form's fields: the new password, twice (the patient confirmed who they are before). */
export const PASSWORD_CHANGE_FIELDS = NEW_PASSWORD_FIELDS;

/** Checked last, as it costs an argon2id verification: the new password is not the current one. */
export const sameAsCurrent = (t: Translate): FieldError => ({ field: 'newPassword', message: t('passwordChange.errors.same') });
