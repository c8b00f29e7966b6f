import fs from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { ROOT_DIR } from '../root-dir';

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'nl';

/** The locale used for numbers, dates and durations in each language. */
export const INTL_LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export interface TranslateOptions {
  count?: number;
  defaultValue?: string;
  /** A string of another language, e.g. the language's own name in the footer. */
  lng?: string;
  [variable: string]: unknown;
}

/**
 * What templates and controllers call as `t(key, options)`: i18next's t for one language. Keys are
 * written out in full where they are used (test/i18n/keys.test.ts checks each one exists in every
 * language); a list of keys takes the first that exists.
 */
export type Translate = (key: string | readonly string[], options?: TranslateOptions) => string;

/**
 * A key that exists in no language (nor in the fallback) or names a group of strings, or a
 * {{variable}} that was not given. Never the text itself: it may hold personal data.
 */
export type MissingTranslation = ({ key: string } | { variable: string }) & { language?: string };

/** Told about every missing key or variable: the app logs it. */
export type MissingTranslationHook = (missing: MissingTranslation) => void;

// Read from src/ also by the compiled build, which has no copy of the JSON files.
const LOCALES_DIR = path.join(ROOT_DIR, 'src', 'i18n', 'locales');

/**
 * Each language is a folder of JSON files, one per feature area; their top-level keys together
 * form the language's strings (one i18next namespace). A key defined in two files is an error.
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

const warnMissing: MissingTranslationHook = (missing) => {
  process.emitWarning(`Missing translation: ${JSON.stringify(missing)}`, { code: 'KARIFY_MISSING_TRANSLATION' });
};

/**
 * A translate function per language, from one i18next instance initialised synchronously with
 * every locale file. A language folder that does not exist is left out. A key missing in a
 * language is taken from Dutch; missing there too, `onMissing` hears of it (by default a process
 * warning) and the result is `defaultValue`, or else the key itself. A variable that was not given
 * is reported too and left empty.
 */
export function createTranslators(
  options: { onMissing?: MissingTranslationHook } = {},
): Partial<Record<Language, Translate>> & Record<typeof DEFAULT_LANGUAGE, Translate> {
  const available = LANGUAGES.filter((language) => fs.existsSync(path.join(LOCALES_DIR, language)));
  let reported = 0;
  const report = options.onMissing ?? warnMissing;
  const onMissing: MissingTranslationHook = (missing) => {
    reported += 1;
    report(missing);
  };
  const instance = i18next.createInstance();
  void instance.init({
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: available,
    resources: Object.fromEntries(available.map((language) => [language, { translation: loadLocale(language) }])),
    initAsync: false, // resources are given: ready when init returns
    nsSeparator: false, // one namespace; a ":" in a string is just a colon
    keySeparator: '.', // i18next's default, said so: it then skips guessing per call whether a key is a sentence
    interpolation: { escapeValue: false }, // templates escape their output
    returnNull: false,
    saveMissing: true,
    saveMissingTo: 'current',
    missingKeyHandler: (languages, _namespace, key) => onMissing({ language: languages.join(','), key }),
    // For a variable or a group key, i18next says the language only when the call named one.
    missingInterpolationHandler: (_text: string, match: RegExpMatchArray, given?: { lng?: string }) => {
      onMissing({ variable: match[1]?.trim() ?? '', ...(given?.lng ? { language: given.lng } : {}) });
      return '';
    },
    // A key of a group ("signIn") is as wrong as a missing one: reported, and shown as the key.
    returnedObjectHandler: (key: string, _value: unknown, given?: { lng?: string }) => {
      onMissing({ key, ...(given?.lng ? { language: given.lng } : {}) });
      return key;
    },
  });
  // One clone per language (sharing the strings) whose own t is called: getFixedT's wrapper copies
  // all of i18next's options on every call, which made a page's translations three times as slow.
  return Object.fromEntries(
    available.map((language) => {
      const forLanguage = language === DEFAULT_LANGUAGE ? instance : instance.cloneInstance({ lng: language });
      return [language, rememberPlainStrings(forLanguage.t.bind(forLanguage) as unknown as Translate, () => reported)];
    }),
  ) as ReturnType<typeof createTranslators>;
}

/**
 * The strings never change while the app runs, so a key asked for without options (most of a
 * page's calls) is looked up by i18next once and then remembered. A call that reported something
 * missing is not remembered, so it is reported at every use.
 */
function rememberPlainStrings(translate: Translate, reportedSoFar: () => number): Translate {
  const known = new Map<string, string>();
  return (key, options) => {
    if (options !== undefined || typeof key !== 'string') return translate(key, options);
    let text = known.get(key);
    if (text === undefined) {
      const before = reportedSoFar();
      text = translate(key);
      if (reportedSoFar() === before) known.set(key, text);
    }
    return text;
  };
}

export function createTranslator(language: Language = DEFAULT_LANGUAGE, options: { onMissing?: MissingTranslationHook } = {}): Translate {
  const translators = createTranslators(options);
  return translators[language] ?? translators[DEFAULT_LANGUAGE];
}
