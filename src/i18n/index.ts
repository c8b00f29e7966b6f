import fs from 'node:fs';
import path from 'node:path';
import i18next, { TFunction } from 'i18next';

export type Translate = TFunction;
export const DEFAULT_LANGUAGE = 'nl';

const LOCALES_DIR = path.join(__dirname, 'locales');

/**
 * Each language is a folder of JSON files, one per feature area; their top-level keys together
 * form the language's strings. A key defined in two files is an error.
 */
export function loadLocale(language: string): Record<string, unknown> {
  const dir = path.join(LOCALES_DIR, language);
  const strings: Record<string, unknown> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const content = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(content)) {
      if (key in strings) throw new Error(`Locale key "${key}" is defined twice (${language}/${file})`);
      strings[key] = value;
    }
  }
  return strings;
}

export function createTranslator(): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    resources: { nl: { translation: loadLocale('nl') } },
    initAsync: false,
    interpolation: { escapeValue: false }, // templates escape their output
    returnNull: false,
  });
  return instance.getFixedT(DEFAULT_LANGUAGE);
}
