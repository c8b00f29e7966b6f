import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';

/** The first page's fields: the staff member's own password, twice, instead of the one-time one. */
export const OWN_PASSWORD_FIELDS = NEW_PASSWORD_FIELDS;

/** What the first page says when the own password is the one-time one. */
export const SAME_AS_ONE_TIME = 'deskEnrolment.password.errors.same';
