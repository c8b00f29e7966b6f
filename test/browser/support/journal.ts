import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import { ACTION_TIMEOUT_MS, patientContext, type BrowserSettings } from './browser';

/** One page as the patient saw it: the HTML exactly as the server sent it. */
export interface VisitedPage {
  name: string;
  url: string;
  status: number;
  html: string;
  /** Base file name under docs/screenshots/ when this state is one of the main steps. */
  screenshot?: string;
  /** Seen with JavaScript on (the passkey journeys): photographed that way too. */
  javaScript?: boolean;
  /**
   * Sent without the stylesheet and the page's header on purpose (a request Node could not read:
   * the stylesheet's request would carry the same fault): weighed as HTML alone, no blocks to skip,
   * and its target sizes are the browser's (WCAG 2.5.8's user-agent exception).
   */
  unstyled?: boolean;
}

/** Every page the journeys visit, in order, for the page-wide checks. */
export class Journal {
  readonly pages: VisitedPage[] = [];

  add(page: VisitedPage): VisitedPage {
    const taken = new Set(this.pages.map((p) => p.name));
    let name = page.name;
    for (let n = 2; taken.has(name); n += 1) name = `${page.name} (${n})`;
    const entry = { ...page, name };
    this.pages.push(entry);
    return entry;
  }

  /** Pages showing an error summary (a form sent back with errors). */
  get errorPages(): VisitedPage[] {
    return this.pages.filter((p) => /class="error-summary"/.test(p.html));
  }
}

export interface RecordOptions {
  screenshot?: string;
}

const isDocumentResponse = (page: Page) => (r: Response) =>
  r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400);

/**
 * A patient at a browser with JavaScript off (on, for passkeys). Finds things the way a person does: by the
 * visible label of a field and the name of a link or button. Every page it lands on is
 * recorded in the journal under a name saying what state it is in.
 */
export class Patient {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly journal: Journal,
    private readonly javaScript: boolean,
  ) {}

  static async start(browser: Browser, baseURL: string, journal: Journal, settings?: BrowserSettings): Promise<Patient> {
    const context = await patientContext(browser, baseURL, settings);
    const page = await context.newPage();
    return new Patient(context, page, journal, settings?.javaScript ?? false);
  }

  close(): Promise<void> {
    return this.context.close();
  }

  /** Does something that loads a new page, and records the page it ends on. */
  private async navigate(name: string, action: () => Promise<unknown>, options: RecordOptions = {}): Promise<VisitedPage> {
    const response = this.page.waitForResponse(isDocumentResponse(this.page), { timeout: ACTION_TIMEOUT_MS });
    await action();
    const res = await response;
    await this.page.waitForLoadState('load');
    return this.journal.add({
      name,
      url: this.page.url(),
      status: res.status(),
      html: await res.text(),
      screenshot: options.screenshot,
      javaScript: this.javaScript || undefined,
    });
  }

  /** Types an address into the address bar. */
  visit(path: string, name: string, options?: RecordOptions): Promise<VisitedPage> {
    return this.navigate(name, () => this.page.goto(path), options);
  }

  link(linkName: string | RegExp, within?: Locator): Locator {
    return (within ?? this.page).getByRole('link', { name: linkName, exact: typeof linkName === 'string' });
  }

  button(buttonName: string | RegExp): Locator {
    return this.page.getByRole('button', { name: buttonName, exact: typeof buttonName === 'string' });
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  /** Clicks a link by its visible text. */
  follow(linkName: string | RegExp, name: string, options?: RecordOptions & { within?: Locator }): Promise<VisitedPage> {
    return this.navigate(name, () => this.link(linkName, options?.within).click(), options);
  }

  /** Clicks a button by its visible text (submitting its form). */
  press(buttonName: string | RegExp, name: string, options?: RecordOptions): Promise<VisitedPage> {
    return this.navigate(name, () => this.button(buttonName).click(), options);
  }

  async fill(label: string, value: string): Promise<void> {
    await this.field(label).fill(value);
  }

  async choose(label: string): Promise<void> {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
  }

  async heading(): Promise<string> {
    return ((await this.page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
  }

  /** The messages in the error summary, in order. */
  async errors(): Promise<string[]> {
    const links = this.page.locator('.error-summary a');
    return (await links.allTextContents()).map((t) => t.trim());
  }

  /** The message next to a field (without the visually hidden "Fout:"). */
  async fieldError(label: string): Promise<string> {
    const id = await this.field(label).getAttribute('id');
    const text = (await this.page.locator(`#${id}-error`).textContent()) ?? '';
    return text.replace(/^\s*Fout:\s*/, '').trim();
  }

  async text(): Promise<string> {
    return (await this.page.locator('main').innerText()).replace(/\s+/g, ' ');
  }

  path(): string {
    const url = new URL(this.page.url());
    return url.pathname + url.search;
  }
}
