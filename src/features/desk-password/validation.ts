import { IDENTITY_FIELDS } from '../../components/desk-access/identity-check';
import { NEW_PASSWORD_FIELDS } from '../../components/new-password/validation';

/** The form's fields: the current password and a code from the app, then the new password twice. */
export const DESK_PASSWORD_FIELDS = [...IDENTITY_FIELDS, ...NEW_PASSWORD_FIELDS] as const;
