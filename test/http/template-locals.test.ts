import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import ts from 'typescript';
import { ejsOptions, TEMPLATE_LOCALS } from '../../src/http/views';
import { filesUnder, ROOT, templateCode } from '../support/templates';

/*
 * EJS hands a template its locals as variables named in TEMPLATE_LOCALS (src/http/views.ts). A
 * name a template reads that is not in the list would be an unknown variable when the page is
 * rendered; a name in the list that no template reads is dead weight; a template that declares a
 * variable of a listed name does not compile. All three fail here.
 */

/** What EJS declares around a template's code, and what JavaScript itself provides. */
const PROVIDED = new Set(['__append', '__output', '__line', 'locals', 'escapeFn', 'include', 'rethrow', 'undefined', ...Object.getOwnPropertyNames(globalThis)]);

/** The names the code reads without declaring them. */
function freeNames(code: string): Set<string> {
  const source = ts.createSourceFile('template.js', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  const read = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) || ts.isFunctionDeclaration(node)) && node.name && ts.isIdentifier(node.name)) {
      declared.add(node.name.text);
    } else if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isPropertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isPropertyName) read.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return new Set([...read].filter((name) => !declared.has(name) && !PROVIDED.has(name)));
}

describe('template locals (EJS without `with`)', () => {
  const uses = new Map<string, string[]>();
  for (const file of filesUnder('views', '.ejs')) {
    for (const name of freeNames(templateCode(path.join(ROOT, file)))) uses.set(name, [...(uses.get(name) ?? []), file]);
  }

  it('finds the names the templates read (the scanner itself)', () => {
    expect(uses.get('t')).to.include('views/sign-in/index.ejs');
    expect(uses.get('label')).to.include('views/partials/text-field.ejs');
    expect(uses.has('m'), 'a loop variable is declared by the template').to.equal(false);
    expect(freeNames('for (const m of modules) { __append(escapeFn(t(m.kind, { position: m.position, hint }))) }')).to.deep.equal(new Set(['modules', 't', 'hint']));
  });

  it('lists every name a template reads', () => {
    const missing = [...uses].filter(([name]) => !TEMPLATE_LOCALS.includes(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing, 'add these to TEMPLATE_LOCALS in src/http/views.ts').to.deep.equal([]);
  });

  it('compiles every template with the options the app renders it with', () => {
    const failures: string[] = [];
    for (const isProduction of [false, true]) {
      const options = ejsOptions(path.join(ROOT, 'views'), { cache: false, isProduction });
      for (const file of filesUnder('views', '.ejs')) {
        try {
          ejs.compile(fs.readFileSync(path.join(ROOT, file), 'utf8'), { ...options, filename: path.join(ROOT, file) });
        } catch (err) {
          failures.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
    expect(failures, 'rename a template\'s own variable that has the name of a local').to.deep.equal([]);
  });

  it('lists no name that no template reads', () => {
    expect(TEMPLATE_LOCALS.filter((name) => !uses.has(name)), 'remove these from TEMPLATE_LOCALS').to.deep.equal([]);
  });
});
