import { IDENTITY_FIELDS } from '../../components/desk-access/identity-check';

/** The form's fields: the current password and a code from the app, then the new password twice. */
export const DESK_PASSWORD_FIELDS = [...IDENTITY_FIELDS, 'newPassword', 'repeatPassword'] as const;

/** What the new-password rules read (password-change/validation.ts `validateNewPassword`). */
export type NewPasswordFields = Record<'newPassword' | 'repeatPassword', string>;
