import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';
import type { FieldError } from '../../http/forms';
import type { Translate } from '../../i18n';

/** The first page's fields: the staff member's own password, twice, instead of the one-time one. */
export const OWN_PASSWORD_FIELDS = NEW_PASSWORD_FIELDS;

/** Checked last, as it costs an argon2id verification: the own password is not the one-time one. */
export const sameAsOneTime = (t: Translate): FieldError => ({ field: 'newPassword', message: t('deskEnrolment.password.errors.same') });
