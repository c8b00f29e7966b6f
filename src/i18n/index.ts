import i18next, { TFunction } from 'i18next';
import nl from './locales/nl.json';

export type Translate = TFunction;
export const DEFAULT_LANGUAGE = 'nl';

export function createTranslator(): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    resources: { nl: { translation: nl } },
    initAsync: false,
    interpolation: { escapeValue: false }, // templates escape their output
    returnNull: false,
  });
  return instance.getFixedT(DEFAULT_LANGUAGE);
}
