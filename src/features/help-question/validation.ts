import type { Translate } from '../../i18n';
import { FieldError, hasControlCharacters, typedText } from '../../http/forms';
import { isPlausibleEmail } from '../../domain/users';

export const QUESTION_FIELDS = ['name', 'email', 'question'] as const;
export const QUESTION_MAX_LENGTH = 2000;

export function validateQuestion(fields: Record<(typeof QUESTION_FIELDS)[number], string>, t: Translate): FieldError[] {
  const errors: FieldError[] = [];
  const name = fields.name.trim();
  const email = fields.email.trim();
  const question = typedText(fields.question);

  if (name === '') errors.push({ field: 'name', message: t('helpQuestion.errors.nameRequired') });
  else if ([...name].length > 100) errors.push({ field: 'name', message: t('helpQuestion.errors.nameTooLong') });
  else if (hasControlCharacters(name)) errors.push({ field: 'name', message: t('helpQuestion.errors.invalidCharacters') });

  if (email === '') errors.push({ field: 'email', message: t('helpQuestion.errors.emailRequired') });
  else if (!isPlausibleEmail(email) || hasControlCharacters(email)) errors.push({ field: 'email', message: t('helpQuestion.errors.emailInvalid') });

  if (question === '') errors.push({ field: 'question', message: t('helpQuestion.errors.questionRequired') });
  else if ([...question].length > QUESTION_MAX_LENGTH) errors.push({ field: 'question', message: t('helpQuestion.errors.questionTooLong') });
  else if (hasControlCharacters(question)) errors.push({ field: 'question', message: t('helpQuestion.errors.invalidCharacters') });
  return errors;
}
