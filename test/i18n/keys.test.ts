import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { LANGUAGES, loadLocale } from '../../src/i18n';
import { filesUnder, ROOT, templateCode } from '../support/templates';

/*
 * Every translation key the code and the templates use exists in every language. Keys are found
 * by reading the source, so they must be written out in full: a key built at run time
 * (`t(`secondStep.errors.${reason}`)`, `t('pages.' + page + '.title')`, a helper that adds a
 * prefix) cannot be checked and fails this test. Where the key depends on a value, the code keeps
 * a map of full keys (e.g. `Record<Reason, string>`), whose literals are checked here like any other.
 */

interface KeyUse {
  file: string;
  key: string;
}

interface Scan {
  keys: KeyUse[];
  /** Places where a key is built at run time, or given in a way the scanner cannot follow. */
  problems: string[];
}

/** File names and the like that look like keys ("app.css"): never keys. */
const NOT_A_KEY = /\.(css|js|json|ejs|svg|png|ico|txt|ts|html)$/;
const KEY_LIKE = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_-]+)+$/;

/**
 * Reads one source file (TypeScript, or the JavaScript EJS compiles a template to):
 * - the first argument of every `t(...)` / `x.t(...)` call: a string, a list of strings, a choice
 *   between strings (`a ? 'x.y' : 'x.z'`, `map[k] ?? 'x.y'`), or a variable holding a key; never
 *   a template literal or a concatenation;
 * - every string anywhere that starts with a top-level locale key and a dot ("twoFactorManage.changed.off"):
 *   a key kept in a map or a constant for later;
 * - every string or template literal that is only the start of a key ("pages.", `question.errors.${k}`).
 */
export function scanSource(file: string, code: string, namespaces: ReadonlySet<string>): Scan {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const keys: KeyUse[] = [];
  const problems: string[] = [];
  const where = (node: ts.Node) => {
    const line = file.endsWith('.ts') ? `:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}` : '';
    return `${file}${line}: ${node.getText().replace(/\s+/g, ' ').slice(0, 120)}`;
  };
  const startsWithNamespace = (text: string) => namespaces.has(text.split('.')[0]!) && text.includes('.');

  const keysOf = (arg: ts.Expression): void => {
    if (ts.isStringLiteralLike(arg)) keys.push({ file, key: arg.text });
    else if (ts.isParenthesizedExpression(arg) || ts.isAsExpression(arg) || ts.isNonNullExpression(arg)) keysOf(arg.expression);
    else if (ts.isConditionalExpression(arg)) {
      keysOf(arg.whenTrue);
      keysOf(arg.whenFalse);
    } else if (ts.isArrayLiteralExpression(arg)) arg.elements.forEach((element) => keysOf(element));
    else if (ts.isBinaryExpression(arg) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(arg.operatorToken.kind)) {
      keysOf(arg.left);
      keysOf(arg.right);
    } else if (ts.isBinaryExpression(arg) && arg.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      problems.push(`${where(arg)} — a key built by concatenation; write it out in full`);
    } else if (ts.isTemplateExpression(arg)) {
      problems.push(`${where(arg)} — a key built with a template literal; write it out in full`);
    } else if (!(ts.isIdentifier(arg) || ts.isPropertyAccessExpression(arg) || ts.isElementAccessExpression(arg) || ts.isCallExpression(arg))) {
      problems.push(`${where(arg)} — a key the scanner cannot follow`);
    }
    // A variable, property or map entry holds a key written out elsewhere: checked as a string there.
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isT = (ts.isIdentifier(callee) && callee.text === 't') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 't');
      if (isT && node.arguments[0]) keysOf(node.arguments[0]);
    }
    if (ts.isStringLiteralLike(node) && startsWithNamespace(node.text) && !NOT_A_KEY.test(node.text)) {
      if (KEY_LIKE.test(node.text)) keys.push({ file, key: node.text });
      else problems.push(`${where(node)} — the start of a key; write keys out in full`);
    }
    if (ts.isTemplateExpression(node) && startsWithNamespace(node.head.text)) {
      problems.push(`${where(node)} — a key built with a template literal; write it out in full`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { keys, problems };
}

/** Every string of a language under its dotted key. */
function leafKeys(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(prefix);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) leafKeys(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/** A key is a string, or a plural: one string per form (`_one`, `_other`). */
const exists = (leaves: Set<string>, key: string) => leaves.has(key) || (leaves.has(`${key}_one`) && leaves.has(`${key}_other`));

describe('translation keys used in code and templates', () => {
  const locales = Object.fromEntries(LANGUAGES.map((language) => [language, loadLocale(language)]));
  const namespaces = new Set(Object.keys(locales.nl!));
  const leaves = Object.fromEntries(LANGUAGES.map((language) => [language, leafKeys(locales[language])]));

  const scans = [
    ...filesUnder('src', '.ts').map((file) => scanSource(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), namespaces)),
    ...filesUnder('views', '.ejs').map((file) => scanSource(file, templateCode(path.join(ROOT, file)), namespaces)),
  ];
  const used = scans.flatMap((scan) => scan.keys);

  it('are found: the scan sees the keys of the sign-in page, the wizard and the error pages', () => {
    expect(scans.length).to.be.greaterThan(100);
    const keys = new Set(used.map((use) => use.key));
    expect(keys.size).to.be.greaterThan(300);
    for (const key of ['signIn.title', 'oneTimeCode.resend', 'errors.notFound.title', 'oneTimeCode.errors.expired']) expect(keys, key).to.include(key);
  });

  it('are written out in full: no key is built at run time', () => {
    expect(scans.flatMap((scan) => scan.problems)).to.deep.equal([]);
  });

  for (const language of LANGUAGES) {
    it(`exist in ${language}`, () => {
      const missing = [...new Set(used.filter((use) => !exists(leaves[language]!, use.key)).map((use) => `${use.key} (${use.file})`))];
      expect(missing).to.deep.equal([]);
    });
  }

  it('are all used: no string in the locale files is left over from a page that changed', () => {
    const keys = new Set(used.map((use) => use.key));
    const unused = [...leaves.nl!].filter((leaf) => !keys.has(leaf) && !keys.has(leaf.replace(/_(zero|one|two|few|many|other)$/, '')));
    expect(unused).to.deep.equal([]);
  });

  describe('the scanner', () => {
    const scan = (code: string) => scanSource('example.ts', code, new Set(['signIn', 'secondStep', 'pages', 'question']));

    it('takes keys from t() calls, lists, choices and maps of full keys', () => {
      const result = scan(`
        t('signIn.title');
        res.locals.t(failed ? 'oneTimeCode.errors.wrong' : 'oneTimeCode.errors.expired', { count: 1 });
        t(['signIn.a', 'signIn.b']);
        const REASONS: Record<Reason, string> = { wrong: 'oneTimeCode.errors.wrong' };
        t(REASONS[reason] ?? 'oneTimeCode.errors.missing');
        t(keyFromSomewhere);
        load('app.css');`);
      expect(result.problems).to.deep.equal([]);
      expect(new Set(result.keys.map((use) => use.key))).to.deep.equal(new Set([
        'signIn.title', 'oneTimeCode.errors.wrong', 'oneTimeCode.errors.expired', 'signIn.a', 'signIn.b', 'oneTimeCode.errors.missing',
      ]));
    });

    it('fails on keys built with template literals or concatenation, in t() calls or elsewhere', () => {
      const problems = (code: string) => scan(code).problems;
      expect(problems('t(`secondStep.errors.${reason}`);')).to.have.length(2); // the call, and the template literal itself
      expect(problems('const key = `secondStep.errors.${reason}`;')).to.have.length(1);
      expect(problems("t('pages.' + page + '.title');")).to.have.length(2); // the call, and the prefix 'pages.'
      expect(problems('t(prefix + "title");')).to.have.length(1);
      expect(problems("const key = (k: string) => t(`question.errors.${k}`);")).to.have.length(2);
      expect(problems('t(`${base}.subject`);')).to.have.length(1);
      expect(problems("t('signIn.title');")).to.deep.equal([]);
    });
  });
});
