import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A key Lynx is told to press: the next link or field (Down Arrow), or Enter. */
export const DOWN = { key: 'Down Arrow' };
export const ENTER = { key: '^J' };
export type LynxStep = { key: string } | string;

const FOCUSABLE = /<(?:a\s[^>]*\shref=|(?:input(?![^>]*\stype=["']?hidden\b)|button|select|textarea)\b)[^>]*>/gi;

/** Lynx moves through the links and fields of a page in document order: the Down Arrow presses from the first to the one with `id`. */
export function downsTo(html: string, id: string): number {
  const index = [...html.replace(/<!--[\s\S]*?-->/g, '').matchAll(FOCUSABLE)].findIndex((tag) => tag[0].includes(` id="${id}"`));
  if (index < 0) throw new Error(`the page has no field or link with id "${id}"`);
  return index;
}

/** `count` Down Arrow presses. */
export const downs = (count: number): LynxStep[] => Array.from({ length: count }, () => DOWN);

/**
 * Opens `url` in the text browser Lynx (Debian package "lynx"), accepting cookies (or, with
 * `cookies: false`, ignoring every cookie, as a browser set to refuse them), and presses the
 * keys of `steps` as a patient would (a string is typed into the field that has the cursor), then Q
 * to quit: the steps end off a text field (after a form is sent, on the new page's first link).
 * Returns what the screen showed, without the terminal's control sequences.
 */
export function lynxSession(url: string, steps: LynxStep[], { cookies = true } = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'karify-lynx-'));
  const script = path.join(dir, 'keys');
  if (steps.some((step) => typeof step === 'string' && /\s/.test(step))) throw new Error('a Lynx script cannot type white space (its key lines are trimmed)');
  const keys = [...steps, { key: 'Q' }].flatMap((step) => (typeof step === 'string' ? [...step].map((c) => `key ${c}`) : [`key ${step.key}`]));
  fs.writeFileSync(script, `${keys.join('\n')}\n`);
  // Debian's settings, without the seconds Lynx waits after each message (3 after an alert, such as a 400).
  const config = path.join(dir, 'lynx.cfg');
  fs.writeFileSync(config, `INCLUDE:/etc/lynx/lynx.cfg\nINFOSECS:0\nMESSAGESECS:0\nALERTSECS:0\n${cookies ? '' : 'SET_COOKIES:FALSE\n'}`);
  const env = { PATH: process.env.PATH, HOME: dir, TERM: 'vt100', COLUMNS: '100', LINES: '60' };
  return new Promise((resolve, reject) => {
    const child = execFile('lynx', [`-cfg=${config}`, ...(cookies ? ['-accept_all_cookies'] : []), `-cmd_script=${script}`, url], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error('lynx is not installed: install the Debian package "lynx" (test/support/install-test-deps.sh does)'));
      else if (err?.killed) reject(new Error(`Lynx did not quit within 60 s: the keys did not end where Q quits. Its screen: ${stdout.slice(-500)}`));
      // Otherwise Lynx's exit status says nothing about the pages: the caller checks what they showed.
      else resolve(stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>M]|[\x08\x0e\x0f]/g, ''));
    });
    child.stdin?.end(); // no keyboard: the script is all Lynx reads
  });
}
