import { type FieldError, hasControlCharacters, typedText } from '../../http/forms';
import type { Translate } from '../../i18n';

export const NOTE_MAX_LENGTH = 1000;

/** What the desk did with the question: required, so the next colleague knows. */
export function validateNote(note: string, t: Translate): FieldError[] {
  const text = typedText(note);
  if (text === '') return [{ field: 'note', message: t('deskQuestions.errors.noteRequired') }];
  if ([...text].length > NOTE_MAX_LENGTH) return [{ field: 'note', message: t('deskQuestions.errors.noteTooLong', { max: NOTE_MAX_LENGTH }) }];
  if (hasControlCharacters(text)) return [{ field: 'note', message: t('deskQuestions.errors.noteInvalid') }];
  return [];
}
