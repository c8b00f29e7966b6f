import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';

/** The patient's own password, twice, instead of the temporary one the clinic gave. */
export const OWN_PASSWORD_FIELDS = NEW_PASSWORD_FIELDS;

/** What the form says when the own password is the temporary one. */
export const SAME_AS_TEMPORARY = 'ownPassword.errors.same';
