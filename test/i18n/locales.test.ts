import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadLocale } from '../../src/i18n';

const LOCALES_DIR = path.join(__dirname, '..', '..', 'src', 'i18n', 'locales');

type Strings = Map<string, string>; // dotted key path → string

function jsonFiles(language: string): string[] {
  return fs.readdirSync(path.join(LOCALES_DIR, language)).filter((f) => f.endsWith('.json')).sort();
}

/** Every string of a locale file under its dotted key path; anything that is not a string or an object is an error. */
function flatten(value: unknown, prefix = '', out: Strings = new Map()): Strings {
  if (typeof value === 'string') {
    out.set(prefix, value);
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    throw new Error(`${prefix}: expected a string or an object, found ${JSON.stringify(value)}`);
  }
  return out;
}

function readStrings(language: string, file: string): Strings {
  return flatten(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, file), 'utf8')));
}

const variablesOf = (text: string) => [...text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]).sort();
const tagsOf = (text: string) => [...text.matchAll(/<\/?[a-z][^>]*>/gi)].map((m) => m[0]).sort();

/**
 * Words that are common in Dutch and do not occur in English sentences. Crude on purpose: it
 * catches a Dutch string copied into the English file, not every untranslated word.
 */
const DUTCH_WORDS = [
  'je', 'jij', 'jouw', 'jullie', 'het', 'een', 'de', 'en', 'van', 'niet', 'geen', 'voor', 'naar', 'bij', 'met',
  'ook', 'maar', 'deze', 'dit', 'wordt', 'zijn', 'kun', 'kunt', 'wilt', 'heb', 'hebt', 'heeft', 'wij', 'onze', 'uw',
  'om', 'op', 'dan', 'nog', 'meer', 'klopt', 'vul', 'wijzig', 'inloggen', 'ingelogd', 'uitloggen', 'wachtwoord',
  'herstelcode', 'herstelcodes', 'verificatiecode', 'telefoonnummer', 'gegevens', 'stappen', 'bericht', 'berichten',
];
const DUTCH = new RegExp(`(?<![\\p{L}\\p{N}_-])(${DUTCH_WORDS.join('|')})(?![\\p{L}\\p{N}_-])`, 'iu');

/** Strings that are the same in both languages: names, placeholders and international words. */
const SAME_IN_BOTH = new Set([
  'Karify', '© Karify', 'Helpdesk', 'Account', 'Type', 'Browser', 'Module {{position}}', 'Account: {{email}}',
  'Karify website', '{{title}}', '{{browser}}', 'Menu', 'Open', 'Status',
]);

describe('locale files (nl and en)', () => {
  const nlFiles = jsonFiles('nl');
  const enFiles = jsonFiles('en');

  it('have the same files in both languages', () => {
    expect(nlFiles).to.not.be.empty;
    expect(enFiles, 'en files').to.deep.equal(nlFiles);
  });

  it('load without a key defined twice', () => {
    expect(() => loadLocale('nl')).to.not.throw();
    expect(() => loadLocale('en')).to.not.throw();
  });

  for (const file of nlFiles) {
    describe(file, () => {
      const read = (language: string) => (fs.existsSync(path.join(LOCALES_DIR, language, file)) ? readStrings(language, file) : new Map<string, string>());

      it('has identical nested keys, plural suffixes included', () => {
        const nl = [...read('nl').keys()].sort();
        const en = [...read('en').keys()].sort();
        expect(en.filter((k) => !nl.includes(k)), 'keys only in en').to.deep.equal([]);
        expect(nl.filter((k) => !en.includes(k)), 'keys missing from en').to.deep.equal([]);
      });

      it('has no empty strings', () => {
        for (const language of ['nl', 'en']) {
          const empty = [...read(language)].filter(([, text]) => text.trim() === '').map(([key]) => key);
          expect(empty, `empty strings in ${language}/${file}`).to.deep.equal([]);
        }
      });

      it('uses the same {{variables}} and HTML tags in each pair of strings', () => {
        const en = read('en');
        for (const [key, nlText] of read('nl')) {
          const enText = en.get(key);
          if (enText === undefined) continue; // reported by the key test
          expect(variablesOf(enText), `variables of ${key}`).to.deep.equal(variablesOf(nlText));
          expect(tagsOf(enText), `HTML tags of ${key}`).to.deep.equal(tagsOf(nlText));
        }
      });

      it('has no Dutch left in the English strings', () => {
        const nl = read('nl');
        const dutch = [...read('en')]
          .filter(([key, text]) => DUTCH.test(text.replace(/<[^>]*>/g, '')) || (text === nl.get(key) && !SAME_IN_BOTH.has(text)))
          .map(([key, text]) => `${key}: ${text}`);
        expect(dutch, `Dutch in en/${file}`).to.deep.equal([]);
      });
    });
  }

  it('the Dutch-word check finds Dutch and passes plain English', () => {
    expect(DUTCH.test('Vul je wachtwoord in')).to.equal(true);
    expect(DUTCH.test('Authenticatie in twee stappen is uitgeschakeld voor jouw Karify account.')).to.equal(true);
    expect(DUTCH.test('Enter your password, then the code from the app.')).to.equal(false);
    expect(DUTCH.test('Call the helpdesk on 030 – 737 0323.')).to.equal(false);
  });

  it('every file in en has a Dutch original', () => {
    expect(enFiles.filter((f) => !nlFiles.includes(f)), 'en files without an nl file').to.deep.equal([]);
  });
});
