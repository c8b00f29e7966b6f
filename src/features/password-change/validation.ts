import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';

/** The form's fields: the new password, twice (the patient confirmed who they are before). */
export const PASSWORD_CHANGE_FIELDS = NEW_PASSWORD_FIELDS;

/** What the form says when the new password is the current one. */
export const SAME_AS_CURRENT = 'passwordChange.errors.same';
