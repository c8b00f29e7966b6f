import { execFile } from 'node:child_process';
import path from 'node:path';
import zlib from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Browser, Page } from 'playwright-core';
import type { BrowserWorld } from './support/browser';
import type { Journal, VisitedPage } from './support/journal';
import { Replayer } from './support/replay';
import { keepScreenshot, writingScreenshots } from './support/screenshots';
import {
  ACTIVE_ELEMENT, BROKEN_WORDS, ENLARGE_TEXT, ERROR_SUMMARY_LINKS, FOCUS_STYLES, FOCUSABLE_BEFORE_SUMMARY, FONT_SIZES, OVERFLOW, OVERLAPS,
  PRINT_STATE, SMALL_TARGETS,
  type ActiveElement, type FocusStyle, type Overflow, type PrintState, type SmallTarget, type SummaryLink,
} from './support/in-page';

const ROOT = path.resolve(__dirname, '../..');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** One round trip: HTML and CSS of a page together, gzip-compressed. */
export const PAGE_BUDGET_BYTES = 14 * 1024;
const DESKTOP = 1280;
const NARROW = 320;

interface Context {
  browser: Browser;
  world: BrowserWorld;
  journal: Journal;
}

type CheckName = 'axe' | 'html-validate' | 'weight' | 'keyboard' | 'focus' | 'reflow' | 'zoom' | 'target-size';
type Problems = Record<CheckName, string[]>;

const where = (page: VisitedPage) => `${page.name} (${new URL(page.url).pathname})`;

/** Runs `check` on each page in turn; collects every problem, so one run shows them all. */
async function eachPage(pages: VisitedPage[], check: (page: VisitedPage) => Promise<string[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const page of pages) {
    try {
      for (const problem of await check(page)) problems.push(`${where(page)}: ${problem}`);
    } catch (err) {
      problems.push(`${where(page)}: check failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return problems;
}

/**
 * The same state seen twice (same HTML but for the CSRF token and the numbers: codes, times,
 * counters) is checked once.
 */
export function distinctStates(pages: VisitedPage[]): VisitedPage[] {
  const seen = new Set<string>();
  return pages.filter((page) => {
    const key = page.html.replace(/name="_csrf" value="[^"]*"/g, '').replace(/\d+/g, '0');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * For axe: states that differ only in their words (another error message in the same place, other
 * typed values) have the same structure, attributes and styles, and axe judges them alike.
 */
export function distinctStructures(pages: VisitedPage[]): VisitedPage[] {
  const seen = new Set<string>();
  return pages.filter((page) => {
    const key = page.html
      .replace(/name="_csrf" value="[^"]*"/g, '')
      .replace(/ value="[^"]*"/g, ' value')
      .replace(/>([^<]*)</g, (_m, text: string) => (text.trim() ? '>x<' : '><'));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The visible text of a page as the text browser w3m shows it. Asynchronous: w3m may fetch from
 * the app, which runs in this process and must go on answering.
 */
function runW3m(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('w3m', ['-dump', '-cols', '80', '-O', 'UTF-8', ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new Error('w3m is not installed: install the Debian package "w3m" (test/support/install-test-deps.sh does)'));
      } else if (err) reject(err);
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined).end(input);
  });
}

/** A recorded page as w3m shows it. */
export function w3mDump(html: string): Promise<string> {
  return runW3m(['-T', 'text/html', '-I', 'UTF-8'], html);
}

/** A live page as w3m fetches and shows it, asking for `language` as a browser set to it does. */
export function w3mFetch(url: string, language: string): Promise<string> {
  return runW3m(['-o', `accept_language=${language}`, url]);
}

/** Number of pages in a PDF that Chromium wrote (the /Count of its page tree). */
export function pdfPageCount(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const counts = [...text.matchAll(/<<[^<>]*\/Type\s*\/Pages\b[^<>]*>>/g)].map((m) => Number(/\/Count\s+(\d+)/.exec(m[0])?.[1] ?? NaN));
  if (counts.length === 0 || counts.some(Number.isNaN)) throw new Error('no page tree found in the PDF');
  return Math.max(...counts);
}

// ---- what each browser pass measures on one page ----

/** Targets under 24×24 px; none on a page sent without any style of its own, whose sizes are the browser's (WCAG 2.5.8's user-agent exception). */
const targetProblems = (record: VisitedPage, targets: SmallTarget[], width: number) =>
  record.unstyled ? [] : targets.map((t) => `at ${width} px: ${t.description} is ${t.width}×${t.height}`);

/** At 1280 px, JavaScript off: keyboard order, focus styles, target sizes, text at 200%. */
async function desktopPass(page: Page, record: VisitedPage, problems: Problems): Promise<void> {
  const add = (check: CheckName, list: string[]) => problems[check].push(...list.map((p) => `${where(record)}: ${p}`));

  // Keyboard: the first Tab stop is the skip link to main; on an error page, following it and
  // pressing Tab again lands in the error summary, whose links point at the fields.
  const keyboard: string[] = [];
  await page.keyboard.press('Tab');
  const start = await page.evaluate(`({
    first: ${ACTIVE_ELEMENT},
    hasMain: document.querySelectorAll('main#main').length === 1,
    hasSummary: !!document.querySelector('.error-summary'),
  })`) as { first: ActiveElement; hasMain: boolean; hasSummary: boolean };
  if (!record.unstyled) {
    if (!start.first.isSkipLink || start.first.href !== '#main') keyboard.push(`first Tab stop is ${start.first.description}, not the skip link to #main`);
    if (!start.hasMain) keyboard.push('no <main id="main"> for the skip link');
  }
  if (start.first.isSkipLink && start.hasSummary) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(`({ active: ${ACTIVE_ELEMENT}, before: ${FOCUSABLE_BEFORE_SUMMARY}, links: ${ERROR_SUMMARY_LINKS} })`) as
      { active: ActiveElement; before: number; links: SummaryLink[] };
    if (!next.active.inErrorSummary) keyboard.push(`after the skip link, Tab goes to ${next.active.description}, not to the error summary`);
    if (next.before > 0) keyboard.push(`${next.before} link(s) or field(s) in main come before the error summary`);
    if (record.html.indexOf('class="error-summary"') > record.html.indexOf('<h1')) keyboard.push('the error summary comes after the h1');
    for (const link of next.links) {
      if (!link.target) keyboard.push(`error summary link ${link.href} points at no element`);
      else if (!['input', 'select', 'textarea', 'fieldset'].includes(link.target)) keyboard.push(`error summary link ${link.href} points at a ${link.target}, not a field`);
    }
  }
  add('keyboard', keyboard);

  // The rest in one go (object properties are evaluated in order): focus styles, target sizes,
  // then the text at 200% and what that does to the layout.
  const m = await page.evaluate(`({
    focus: ${FOCUS_STYLES},
    targets: ${SMALL_TARGETS},
    normal: ${FONT_SIZES},
    enlarged: ${ENLARGE_TEXT},
    large: ${FONT_SIZES},
    overflow: ${OVERFLOW},
    broken: ${BROKEN_WORDS},
    overlaps: ${OVERLAPS},
  })`) as { focus: FocusStyle[]; targets: SmallTarget[]; normal: number[]; large: number[]; overflow: Overflow; broken: string[]; overlaps: string[] };

  add('focus', m.focus.filter((f) => !f.visible)
    .map((f) => `no visible focus on ${f.description} (outline ${f.outline}, box-shadow ${f.boxShadow})`));
  add('target-size', targetProblems(record, m.targets, DESKTOP));

  const zoom: string[] = [];
  m.large.forEach((size, i) => {
    if (size < m.normal[i]! * 1.9) zoom.push(`text ${i + 1} did not grow: ${m.normal[i]}px → ${size}px`);
  });
  if (m.overflow.scrollWidth > DESKTOP) zoom.push(`scrolls sideways: scrollWidth ${m.overflow.scrollWidth} > ${DESKTOP}`);
  zoom.push(...m.overflow.spilling.map((s) => `content wider than its box: ${s}`));
  zoom.push(...m.broken.map((w) => `word cut across lines: ${w}`));
  zoom.push(...m.overlaps.map((o) => `drawn over each other: ${o}`));
  add('zoom', zoom);
}

/** At 320 px, JavaScript off: reflow and target sizes. */
async function narrowPass(page: Page, record: VisitedPage, problems: Problems): Promise<void> {
  const add = (check: CheckName, list: string[]) => problems[check].push(...list.map((p) => `${where(record)}: ${p}`));
  const m = await page.evaluate(`({ overflow: ${OVERFLOW}, targets: ${SMALL_TARGETS}, broken: ${BROKEN_WORDS}, overlaps: ${OVERLAPS} })`) as { overflow: Overflow; targets: SmallTarget[]; broken: string[]; overlaps: string[] };
  const reflow: string[] = [];
  if (m.overflow.scrollWidth > NARROW) reflow.push(`scrolls sideways: scrollWidth ${m.overflow.scrollWidth} > ${NARROW}`);
  if (m.overflow.hiddenOverflow) reflow.push(`horizontal overflow hidden on html/body (${m.overflow.hiddenOverflow}) would hide content`);
  reflow.push(...m.overflow.spilling.map((s) => `content wider than its box: ${s}`));
  reflow.push(...m.broken.map((w) => `word cut across lines: ${w}`));
  reflow.push(...m.overlaps.map((o) => `drawn over each other: ${o}`));
  // A phone set to large text: both at once (each alone is WCAG's; together they are what such a
  // patient sees). Nothing may stick out; a long word may be cut then (a 15-letter Dutch word in a
  // heading is wider than the screen).
  const large = await page.evaluate(`({ enlarged: ${ENLARGE_TEXT}, overflow: ${OVERFLOW}, overlaps: ${OVERLAPS} })`) as { overflow: Overflow; overlaps: string[] };
  if (large.overflow.scrollWidth > NARROW) reflow.push(`with text at 200%: scrolls sideways: scrollWidth ${large.overflow.scrollWidth} > ${NARROW}`);
  reflow.push(...large.overflow.spilling.map((s) => `with text at 200%: content wider than its box: ${s}`));
  reflow.push(...large.overlaps.map((o) => `with text at 200%: drawn over each other: ${o}`));
  add('reflow', reflow);
  add('target-size', targetProblems(record, m.targets, NARROW));
}

/** JavaScript on (axe needs it), on the very HTML the patient got with JavaScript off. */
async function axePass(page: Page, record: VisitedPage, problems: Problems): Promise<void> {
  // Legacy mode runs axe in the page itself: these pages have no frames, and it halves the time.
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).options({ resultTypes: ['violations'] }).setLegacyMode(true).analyze();
  problems.axe.push(...result.violations.map((v) =>
    `${where(record)}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
}

export function definePageChecks(get: () => Context): void {
  describe('every page and state the journeys visited', function () {
    this.timeout(60_000);

    const problems: Problems = {
      axe: [], 'html-validate': [], weight: [], keyboard: [], focus: [], reflow: [], zoom: [], 'target-size': [],
    };
    let pages: VisitedPage[] = [];

    /** Fails with every problem of `check` listed. */
    function expectNone(check: CheckName, what: string) {
      const found = [...new Set(problems[check])];
      expect(found, `${what}:\n  ${found.join('\n  ')}\n`).to.deep.equal([]);
    }

    before(async function () {
      // One load per page and viewport: the browser checks measure everything in three passes
      // that run side by side, each in a context of its own. About a minute on an idle machine;
      // the limit leaves room for a busy one.
      this.timeout(600_000);
      const all = get().journal.pages;
      expect(all.length, 'pages recorded by the journeys').to.be.greaterThan(60);
      pages = distinctStates(all);
      const structures = distinctStructures(pages);
      const pass = async (options: { javaScriptEnabled: boolean; width: number; workers?: number }, measure: typeof desktopPass, list = pages) => {
        const workers = options.workers ?? 1;
        await Promise.all(Array.from({ length: workers }, async (_, worker) => {
          const replay = await Replayer.start(get().browser, options);
          try {
            for (const record of list.filter((_page, i) => i % workers === worker)) {
              try {
                await measure(await replay.show(record), record, problems);
              } catch (err) {
                problems.axe.push(`${where(record)}: a browser pass failed: ${(err as Error).message.split('\n')[0]}`);
              }
            }
          } finally {
            await replay.close();
          }
        }));
      };
      const timed = (name: string, run: Promise<void>) => run.then(() => {
        if (process.env.BROWSER_REPORT) console.log(`      ${name} pass over ${pages.length} distinct states (of ${all.length} pages): ${Date.now() - started} ms`);
      });
      const started = Date.now();
      await Promise.all([
        timed(`axe (${structures.length} structures)`, pass({ javaScriptEnabled: true, width: DESKTOP, workers: 2 }, axePass, structures)),
        timed(`${DESKTOP} px`, pass({ javaScriptEnabled: false, width: DESKTOP }, desktopPass)),
        timed(`${NARROW} px`, pass({ javaScriptEnabled: false, width: NARROW }, narrowPass)),
      ]);
    });

    it('axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation', () => {
      expectNone('axe', 'axe violations');
    });

    it('html-validate finds no error (config: .htmlvalidate.json)', async () => {
      const validator = new HtmlValidate(new FileSystemConfigLoader()); // without a loader it reads no .htmlvalidate.json
      problems['html-validate'] = await eachPage(pages, async (record) => {
        const report = await validator.validateString(record.html, path.join(ROOT, 'page.html'));
        return report.results.flatMap((r) => r.messages)
          .filter((m) => m.severity === 2)
          .map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`);
      });
      expectNone('html-validate', 'html-validate errors');
    });

    it(`weighs at most ${PAGE_BUDGET_BYTES / 1024} KB gzip-compressed, HTML plus CSS`, async () => {
      const cssSizes = new Map<string, number>();
      const weights: { name: string; bytes: number }[] = [];
      problems.weight = await eachPage(get().journal.pages, async (record) => {
        const href = /<link rel="stylesheet" href="([^"]+)">/.exec(record.html)?.[1];
        if (!href && !record.unstyled) return ['links no stylesheet'];
        if (href && !cssSizes.has(href)) {
          const res = await fetch(new URL(href, get().world.baseURL));
          expect(res.status, href).to.equal(200);
          cssSizes.set(href, zlib.gzipSync(Buffer.from(await res.arrayBuffer())).length);
        }
        const bytes = zlib.gzipSync(Buffer.from(record.html)).length + (href ? cssSizes.get(href)! : 0);
        weights.push({ name: record.name, bytes });
        return bytes <= PAGE_BUDGET_BYTES ? [] : [`${bytes} bytes gzip > ${PAGE_BUDGET_BYTES}`];
      });
      weights.sort((a, b) => b.bytes - a.bytes);
      if (process.env.BROWSER_REPORT) {
        console.log(`      CSS ${[...cssSizes.values()].join(', ')} B gzip; heaviest pages (HTML + CSS): ${weights.slice(0, 6).map((w) => `${w.name} ${w.bytes} B`).join('; ')}`);
      }
      expectNone('weight', 'pages over budget');
    });

    it('starts with a skip link to main; on error pages the error summary comes next, linking to the fields', () => {
      expect(get().journal.errorPages.length, 'error pages visited').to.be.greaterThan(30);
      expectNone('keyboard', 'keyboard order');
    });

    it('shows where the keyboard focus is (an outline or box shadow on :focus) on every element a keyboard reaches', () => {
      expectNone('focus', 'focus not visible');
    });

    it(`reflows at ${NARROW} CSS px, also with text at 200%: no page scrolls sideways, nothing drawn over other text, no word is cut across lines (at 100%)`, () => {
      expectNone('reflow', `reflow at ${NARROW} px`);
    });

    it('keeps text readable at 200%: the text grows, nothing spills, overlaps or scrolls sideways, no word is cut', () => {
      expectNone('zoom', 'text at 200%');
    });

    it('makes every link, button and field at least 24×24 CSS px (inline links in sentences excepted)', () => {
      expectNone('target-size', 'targets under 24×24 px');
    });
  });

  describe('text browser, print and screenshots', function () {
    this.timeout(120_000);

    const find = (name: string): VisitedPage => {
      const page = get().journal.pages.find((p) => p.name === name);
      if (!page) throw new Error(`the journeys did not record "${name}"`);
      return page;
    };

    it('reads sensibly in w3m: labels before their fields, no markup or CSS', async () => {
      const dutch = { skip: 'Naar de inhoud', problem: 'Er is een probleem' };
      const english = { skip: 'Skip to content', problem: 'There is a problem' };
      const recoveryActions = /Print herstelcodes[\s\S]*Kopieer herstelcodes[\s\S]*Download herstelcodes/;
      const states: { name: string; fields: string[]; buttons: string[]; words?: typeof dutch; error?: boolean; masked?: boolean; says?: RegExp[]; lacks?: RegExp[] }[] = [
        { name: 'Inloggen', fields: ['E-mailadres', 'Wachtwoord'], buttons: ['Log in'] },
        { name: 'Inloggen: lege velden', fields: ['E-mailadres', 'Wachtwoord'], buttons: ['Log in'], error: true },
        { name: 'Inloggen (stap 2): code', fields: ['Verificatiecode'], buttons: ['Verifiëren', 'Stuur nieuwe code'], masked: true },
        { name: 'Inloggen (stap 2): code verkeerd', fields: ['Verificatiecode'], buttons: ['Verifiëren', 'Stuur nieuwe code'], masked: true, error: true },
        { name: 'Inloggen (stap 2): app-code', fields: ['Verificatiecode'], buttons: ['Verifiëren'] },
        { name: 'Wizard 3: verificatie', fields: ['Verificatiecode'], buttons: ['Verifiëren', 'Stuur nieuwe code'], masked: true },
        { name: 'Sign in (English)', fields: ['Email address', 'Password'], buttons: ['Sign in'], words: english },
        { name: 'Sign in: empty fields (English)', fields: ['Email address', 'Password'], buttons: ['Sign in'], words: english, error: true },
        { name: 'Second step: wrong code (English)', fields: ['Verification code'], buttons: ['Verify', 'Send new code'], words: english, masked: true, error: true },
        // What low-end-browsers.ts walked: honest code pages, the recovery code not shown again, Kopieer herstelcodes.
        { name: 'Inloggen (stap 2): geen nieuwe code, net al gestuurd', fields: ['Verificatiecode'], buttons: ['Verifiëren', 'Stuur nieuwe code'], masked: true, says: [/We hebben geen nieuwe code gestuurd/], lacks: [/We hebben een 6-cijferige/, /Fout/] },
        { name: 'Inloggen (stap 2): SMS-limiet bereikt', fields: ['Verificatiecode'], buttons: ['Verifiëren'], masked: true, says: [/We sturen je nu geen SMS meer/, /Gebruik een herstelcode[\s\S]*Verificatiecode/], lacks: [/Fout/] },
        { name: 'Inloggen met herstelcode: verkeerd', fields: ['Herstelcode'], buttons: ['Verifiëren'], error: true, lacks: [/1234567890/] },
        {
          name: 'Wizard 4: herstelcodes', fields: [], buttons: ['Ik heb de codes bewaard'],
          // The steps numbered once, by the list: the marks come from the stylesheet.
          says: [recoveryActions, /1\. Methode \(klaar\)\n\s*2\. Telefoonnummer \(klaar\)\n\s*3\. Verificatie \(klaar\)\n\s*4\. Herstelcodes \(huidige stap\)/],
          lacks: [/(\d{5} \d{5})[\s\S]*\1/, /\d\. [✓\d] /],
        },
      ];
      for (const { name, fields, buttons, words = dutch, error = false, masked = false, says = [], lacks = [] } of states) {
        const text = await w3mDump(find(name).html);
        const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
        expect(lines[0], `${name}: first line`).to.equal(words.skip);
        expect(lines[1], `${name}: second line`).to.match(/^Karify\b/);
        let from = 0;
        for (const label of fields) {
          // The label, then (after at most its hint or error message) its field: [...] in w3m.
          // A label starts its line (an error message or hint may stand between it and the field).
          const labelAt = new RegExp(`(^|\\n)${label}(?=[ \\t]*(\\[|\\n))`, 'g');
          labelAt.lastIndex = from;
          const found = labelAt.exec(text);
          expect(found, `${name}: label "${label}" on a line of its own or before its field`).not.to.equal(null);
          const after = found!.index + found![0].length;
          const field = /^[^[]{0,160}\[[^\]\n]*\]/.exec(text.slice(after));
          expect(field, `${name}: a field right after the label "${label}"`).not.to.equal(null);
          from = after + field![0].length;
        }
        for (const button of buttons) expect(lines, `${name}: button ${button}`).to.include(button);
        if (!buttons.includes('Stuur nieuwe code') && !buttons.includes('Send new code')) {
          expect(lines, `${name}: no resend button`).not.to.include('Stuur nieuwe code');
        }
        expect(text, `${name}: markup or CSS in the text`).not.to.match(/[<>{}]|&[a-z#0-9]+;|\b(class|href|csrf|display|color)\b/i);
        for (const pattern of says) expect(text, `${name}: says ${pattern}`).to.match(pattern);
        for (const pattern of lacks) expect(text, `${name}: does not say ${pattern}`).not.to.match(pattern);
        if (masked) expect(text, name).to.match(/\+31 6 ••••••\d\d/);
        else expect(text, name).not.to.match(/••••/);
        if (error) {
          const summary = text.indexOf(words.problem);
          expect(summary, `${name}: error summary`).to.be.greaterThan(-1);
          expect(summary, `${name}: error summary before the first field`).to.be.lessThan(text.indexOf('['));
        }
      }
    });

    it('prints the recovery codes on one A4 page without the navigation', async () => {
      const replay = await Replayer.start(get().browser, { javaScriptEnabled: false, width: DESKTOP });
      try {
        for (const name of ['Wizard 4: herstelcodes', 'Herstelcodes afdrukken', 'Je nieuwe herstelcodes']) {
          const record = find(name);
          const page = await replay.show(record);
          const codes = (await page.locator('.recovery-codes code').allInnerTexts()).map((c) => c.trim());
          expect(codes, name).to.have.length(10);
          await page.emulateMedia({ media: 'print' });
          const state = await page.evaluate(PRINT_STATE) as PrintState;
          expect(state.codesVisible, `${name}: codes in print`).to.deep.equal(codes);
          for (const part of ['.site-header', '.site-footer', '.skip-link']) expect(state.hiddenParts, `${name}: ${part} hidden in print`).to.include(part);
          if (record.html.includes('class="side-nav"')) expect(state.hiddenParts, `${name}: side navigation hidden in print`).to.include('.side-nav');
          expect(state.visibleForms, `${name}: forms in print`).to.equal(0);
          const pdf = await page.pdf({ format: 'A4' });
          expect(pdfPageCount(pdf), `${name}: pages in the PDF`).to.equal(1);
          await page.emulateMedia({ media: 'screen' });
        }
      } finally {
        await replay.close();
      }
    });

    it(`takes screenshots of the main steps at 1280 and 320 px${writingScreenshots() ? ' and writes them under docs/screenshots/' : ' (npm run screenshots writes them)'}`, async () => {
      const steps = get().journal.pages.filter((p) => p.screenshot);
      expect(steps.length).to.be.greaterThan(10);
      const shots = [DESKTOP, NARROW].flatMap((width) => [false, true].map((javaScriptEnabled) => ({ width, javaScriptEnabled })));
      await Promise.all(shots.map(async ({ width, javaScriptEnabled }) => {
        const replay = await Replayer.start(get().browser, { javaScriptEnabled, width, height: width === NARROW ? 640 : 900 });
        try {
          for (const record of steps.filter((step) => (step.javaScript ?? false) === javaScriptEnabled)) {
            const page = await replay.show(record);
            keepScreenshot(`${record.screenshot}-${width}`, await page.screenshot({ fullPage: true, animations: 'disabled' }));
          }
        } finally {
          await replay.close();
        }
      }));
    });
  });
}
