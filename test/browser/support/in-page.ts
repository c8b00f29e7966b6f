/*
 * Scripts run inside the page with page.evaluate. They are plain JavaScript strings on purpose:
 * tsx compiles functions with helpers (__name) that do not exist in the page, and the project's
 * TypeScript setup has no DOM types. Page-level evaluation works with JavaScript disabled too.
 */

/** A short description of the focused element (or of `el`). */
const DESCRIBE = `(el) => {
  if (!el || el === document.body) return 'body';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + (text ? ' "' + text + '"' : '');
}`;

export interface ActiveElement {
  description: string;
  tag: string;
  href: string | null;
  inErrorSummary: boolean;
  isSkipLink: boolean;
  focusVisible: boolean;
  outline: string;
  boxShadow: string;
}

/** What has focus now, and whether its focus is visible (an outline or a box shadow). */
export const ACTIVE_ELEMENT = `(() => {
  const describe = ${DESCRIBE};
  const el = document.activeElement;
  const style = el ? getComputedStyle(el) : null;
  const outlineOn = !!style && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadowOn = !!style && style.boxShadow !== 'none';
  return {
    description: describe(el),
    tag: el ? el.tagName.toLowerCase() : '',
    href: el ? el.getAttribute('href') : null,
    inErrorSummary: !!(el && el.closest('.error-summary')),
    isSkipLink: !!(el && el.classList.contains('skip-link')),
    focusVisible: outlineOn || shadowOn,
    outline: style ? style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor : '',
    boxShadow: style ? style.boxShadow : '',
  };
})()`;

export interface FocusStyle {
  description: string;
  visible: boolean;
  outline: string;
  boxShadow: string;
}

/**
 * Focuses each element a keyboard user can reach, in turn, and reads its computed :focus style:
 * focus is visible when it has an outline or a box shadow. An element with no box (display none,
 * or inside something hidden, such as a form only a script shows) cannot be reached.
 */
export const FOCUS_STYLES = `(() => {
  const describe = ${DESCRIBE};
  const tabbable = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && getComputedStyle(el).visibility !== 'hidden' && el.getClientRects().length > 0);
  return tabbable.map((el) => {
    el.focus();
    const style = getComputedStyle(el);
    const outlineOn = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const result = {
      description: describe(el),
      visible: document.activeElement === el && (outlineOn || style.boxShadow !== 'none'),
      outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
      boxShadow: style.boxShadow,
    };
    el.blur();
    return result;
  });
})()`;

export interface SummaryLink {
  href: string;
  target: string | null;
}

/** Where each error summary link points: the tag of the element with that id, or null. */
export const ERROR_SUMMARY_LINKS = `(() => [...document.querySelectorAll('.error-summary a')].map((a) => {
  const href = a.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  return { href, target: target ? target.tagName.toLowerCase() : null };
}))()`;

/**
 * Whether an element is inside a box hidden the way .visually-hidden hides one (clipped to
 * nothing), as a data table's header row is where its rows stack: read by screen readers, not shown.
 */
const CLIPPED = `(el) => {
  for (let box = el; box; box = box.parentElement) {
    if (box.classList.contains('visually-hidden') || getComputedStyle(box).clipPath === 'inset(50%)') return true;
  }
  return false;
}`;

export interface Overflow {
  scrollWidth: number;
  clientWidth: number;
  hiddenOverflow: string;
  /** Elements whose content sticks out of their own box, sideways. */
  spilling: string[];
}

/** Whether the page scrolls sideways, and which boxes are too narrow for their content. */
export const OVERFLOW = `(() => {
  const describe = ${DESCRIBE};
  const clipped = ${CLIPPED};
  const root = document.scrollingElement;
  const hiddenOverflow = [document.documentElement, document.body]
    .map((el) => getComputedStyle(el).overflowX).filter((v) => v === 'hidden' || v === 'clip').join(' ');
  const spilling = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.skip-link, head, script, style') || clipped(el)) continue;
    // A text field scrolls its own value (a long reason kept after an error): nothing is lost.
    if (el.matches('input, textarea, select')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.display === 'inline' || style.display === 'contents') continue;
    if (el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) spilling.push(describe(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  }
  return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, hiddenOverflow, spilling };
})()`;

/**
 * Words cut across two lines ("Med|ewerker", "18:5|7"): each word of up to 16 characters in the
 * page's visible text whose letters sit on more than one line. A hyphen is a word's end ("e-|mail"
 * may wrap); longer words (e-mail addresses, web addresses, codes) may wrap where they must.
 */
export const BROKEN_WORDS = `(() => {
  const describe = ${DESCRIBE};
  const clipped = ${CLIPPED};
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.skip-link, script, style, [hidden]') || clipped(parent)) continue;
    for (const match of node.data.matchAll(/[^\\s\\u2010-]+/g)) {
      if (match[0].length > 16) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push('"' + match[0] + '" in ' + describe(parent));
    }
  }
  return broken;
})()`;

/**
 * Text boxes drawn over one another (a menu over the site's name): pairs of visible headings,
 * paragraphs, labels, links, buttons and table cells laid out as boxes (an inline link's box
 * reaches into the lines above and below it, so those are left out), neither inside the other,
 * that share more than a few pixels.
 */
export const OVERLAPS = `(() => {
  const describe = ${DESCRIBE};
  const clipped = ${CLIPPED};
  const boxes = [...document.querySelectorAll('body h1, body h2, body h3, body p, body label, body legend, body a, body button, body dt, body dd, body td, body th')]
    .filter((el) => !el.closest('.skip-link, [hidden]') && !clipped(el) && el.getClientRects().length > 0 && getComputedStyle(el).display !== 'inline')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && r.height > 0);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i], b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 2 && h > 2) overlaps.push(describe(a.el) + ' and ' + describe(b.el));
    }
  }
  return overlaps;
})()`;

/** Computed font sizes (px) of the first few text elements, to see that text scales. */
export const FONT_SIZES = `(() => [...document.querySelectorAll('main h1, main p, main label, main button, main a, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main li')]
  .slice(0, 12).map((el) => parseFloat(getComputedStyle(el).fontSize)))()`;

export interface SmallTarget {
  description: string;
  width: number;
  height: number;
}

/**
 * Links, buttons and fields smaller than 24×24 CSS px (WCAG 2.5.8), leaving out the exception for
 * inline links: a link in a sentence, i.e. a link whose block also holds other text.
 */
export const SMALL_TARGETS = `(() => {
  const describe = ${DESCRIBE};
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display === 'inline') node = node.parentElement;
    return node;
  };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (el.closest('.visually-hidden') || el.classList.contains('skip-link')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width >= 23.95 && box.height >= 23.95) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      const block = blockOf(el);
      const rest = block ? block.textContent.replace(el.textContent, '').trim() : '';
      if (rest.length > 0) continue;
    }
    small.push({ description: describe(el), width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 });
  }
  return small;
})()`;

export interface PrintState {
  codesVisible: string[];
  hiddenParts: string[];
  visibleForms: number;
}

/** In print media: which recovery codes show, and whether the navigation is gone. */
export const PRINT_STATE = `(() => {
  const shown = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
  const codesVisible = [...document.querySelectorAll('.recovery-codes code')].filter(shown).map((c) => c.textContent.trim());
  const hiddenParts = ['.site-header', '.side-nav', '.site-footer', '.skip-link', '.progress', '.help']
    .filter((sel) => document.querySelector(sel) && ![...document.querySelectorAll(sel)].some(shown));
  const visibleForms = [...document.querySelectorAll('form')].filter(shown).length;
  return { codesVisible, hiddenParts, visibleForms };
})()`;

/** Text at 200%: the root font size doubled, as a browser's text-only zoom does. */
export const ENLARGE_TEXT = `(() => {
  const style = document.createElement('style');
  style.textContent = 'html{font-size:200%!important}';
  document.head.appendChild(style);
  return getComputedStyle(document.documentElement).fontSize;
})()`;

/** How many links, buttons and fields inside main come before the error summary. */
export const FOCUSABLE_BEFORE_SUMMARY = `(() => {
  const summary = document.querySelector('.error-summary');
  const main = document.querySelector('main');
  if (!summary || !main) return 0;
  return [...main.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
    .filter((el) => summary.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING).length;
})()`;

/** The computed text colour of the first element `selector` finds. */
export const colourOf = (selector: string) => `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`;
