import type { Translate } from '../../i18n';
import type { FieldError } from '../../http/forms';
import type { SetupMethod } from './wizard';

export function validateMethod(method: string, t: Translate): { errors: FieldError[]; method?: SetupMethod } {
  if (method === 'sms' || method === 'app') return { errors: [], method };
  return { errors: [{ field: 'method', message: t('twoFactorSetup.method.errors.required') }] };
}
