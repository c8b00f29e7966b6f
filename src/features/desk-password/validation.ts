/** The form's fields: the current password, and the new one twice. */
export const DESK_PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'repeatPassword'] as const;

/** What the new-password rules read (password-change/validation.ts `validateNewPassword`). */
export type NewPasswordFields = Record<'newPassword' | 'repeatPassword', string>;
