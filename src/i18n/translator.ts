/**
 * The translate function the templates and controllers call as `t(key, options)`. Strings are
 * compiled once when the app starts: a page makes dozens of calls, so a call is a map lookup and,
 * for strings with {{variables}}, a join of prepared parts.
 *
 * What the locale files use, and so what this supports: nested keys ("signIn.title"),
 * {{variable}} interpolation (not escaped: templates escape their output), plurals by `count`
 * with the suffixes of Intl.PluralRules ("unread_one", "unread_other"), a list of keys of which
 * the first that exists is used, `defaultValue`, and `lng` for a string in another language.
 */

export interface TranslateOptions {
  count?: number;
  defaultValue?: string;
  /** A string from another language's catalogue, e.g. the language's own name in the footer. */
  lng?: string;
  [variable: string]: unknown;
}

export type Translate = (key: string | readonly string[], options?: TranslateOptions) => string;

type Variables = Record<string, unknown>;
/** A string without variables as itself; one with variables as its parts: text, name, text, … */
type Compiled = string | { parts: string[] };

export interface Catalogue {
  locale: string;
  strings: Record<string, unknown>;
}

const NO_VARIABLES: Variables = {};
const VARIABLE = /\{\{\s*([^}\s]+)\s*\}\}/;

function compile(text: string): Compiled {
  const parts = text.split(VARIABLE); // odd indexes are the variable names
  return parts.length === 1 ? text : { parts };
}

function interpolate(compiled: Compiled, variables: Variables): string {
  if (typeof compiled === 'string') return compiled;
  let out = '';
  const { parts } = compiled;
  for (let i = 0; i < parts.length; i += 1) {
    if (i % 2 === 0) out += parts[i];
    else {
      const value = variables[parts[i]!];
      out += value === undefined || value === null ? '' : String(value);
    }
  }
  return out;
}

/** Every string under its dotted key: { signIn: { title } } → "signIn.title". */
function flatten(value: unknown, prefix: string, into: Map<string, Compiled>): void {
  if (typeof value === 'string') into.set(prefix, compile(value));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  }
}

interface CompiledCatalogue {
  strings: Map<string, Compiled>;
  plural: Intl.PluralRules;
}

/**
 * A translate function per language. A key missing from a language is taken from `fallback`;
 * missing everywhere, the result is `defaultValue`, or else the key itself (easy to spot).
 */
export function createTranslateFunctions<L extends string>(catalogues: Record<L, Catalogue>, fallback: NoInfer<L>): Record<L, Translate> {
  const compiled = new Map<string, CompiledCatalogue>();
  for (const [language, catalogue] of Object.entries(catalogues) as Array<[L, Catalogue]>) {
    const strings = new Map<string, Compiled>();
    flatten(catalogue.strings, '', strings);
    compiled.set(language, { strings, plural: new Intl.PluralRules(catalogue.locale) });
  }

  const find = (catalogue: CompiledCatalogue, key: string, count: number | undefined): Compiled | undefined => {
    if (count !== undefined) {
      const plural = catalogue.strings.get(`${key}_${catalogue.plural.select(count)}`) ?? catalogue.strings.get(`${key}_other`);
      if (plural !== undefined) return plural;
    }
    return catalogue.strings.get(key);
  };

  const translateIn = (language: L): Translate => {
    const own = compiled.get(language)!;
    const fallbackCatalogue = compiled.get(fallback)!;
    const lookUp = (catalogue: CompiledCatalogue, key: string, count: number | undefined) =>
      find(catalogue, key, count) ?? find(fallbackCatalogue, key, count);
    const translate: Translate = (keys, options) => {
      const catalogue = options?.lng !== undefined ? (compiled.get(options.lng) ?? own) : own;
      const list = typeof keys === 'string' ? [keys] : keys;
      for (const key of list) {
        const found = lookUp(catalogue, key, options?.count);
        if (found !== undefined) return interpolate(found, options ?? NO_VARIABLES);
      }
      return options?.defaultValue ?? list[list.length - 1] ?? '';
    };
    return translate;
  };

  return Object.fromEntries((Object.keys(catalogues) as L[]).map((language) => [language, translateIn(language)])) as Record<L, Translate>;
}
