import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../root-dir';
import { type Catalogue, createTranslateFunctions, type Translate } from './translator';

export type { Translate, TranslateOptions } from './translator';

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
  const catalogues = Object.fromEntries(
    available.map((language) => [language, { locale: INTL_LOCALES[language], strings: loadLocale(language) }]),
  ) as Record<Language, Catalogue>;
  return createTranslateFunctions(catalogues, DEFAULT_LANGUAGE);
}

export function createTranslator(language: Language = DEFAULT_LANGUAGE): Translate {
  const translators = createTranslators();
  return translators[language] ?? translators[DEFAULT_LANGUAGE];
}
