import fs from 'node:fs';
import path from 'node:path';
import i18next, { TFunction } from 'i18next';
import { ROOT_DIR } from '../root-dir';

export type Translate = TFunction;

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'nl';

/** The locale used for numbers, dates and durations in each language. */
export const INTL_LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// Read from src/ also by the compiled build, which has no copy of the JSON files.
const LOCALES_DIR = path.join(ROOT_DIR, 'src', 'i18n', 'locales');

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

/** A translate function per language; a language folder that does not exist is left out. */
export function createTranslators(): Partial<Record<Language, Translate>> & Record<typeof DEFAULT_LANGUAGE, Translate> {
  const available = LANGUAGES.filter((language) => fs.existsSync(path.join(LOCALES_DIR, language)));
  const instance = i18next.createInstance();
  void instance.init({
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: available,
    resources: Object.fromEntries(available.map((language) => [language, { translation: loadLocale(language) }])),
    initAsync: false,
    interpolation: { escapeValue: false }, // templates escape their output
    returnNull: false,
  });
  return Object.fromEntries(
    available.map((language) => [language, remembering(instance.getFixedT(language))]),
  ) as ReturnType<typeof createTranslators>;
}

// Enough for every plain key the templates use; keys built from input cannot grow it further.
const REMEMBERED_KEYS_LIMIT = 2000;

/**
 * Strings without options never change, so each is looked up once: a page makes dozens of such
 * calls, and i18next allocates on every one.
 */
function remembering(translate: Translate): Translate {
  const known = new Map<string, string>();
  const remembered = (key: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof key !== 'string') return (translate as unknown as (...args: unknown[]) => unknown)(key, ...rest);
    let text = known.get(key);
    if (text === undefined) {
      text = translate(key) as string;
      if (known.size < REMEMBERED_KEYS_LIMIT) known.set(key, text);
    }
    return text;
  };
  return Object.assign(remembered, translate) as unknown as Translate;
}

export function createTranslator(language: Language = DEFAULT_LANGUAGE): Translate {
  const translators = createTranslators();
  return translators[language] ?? translators[DEFAULT_LANGUAGE];
}
