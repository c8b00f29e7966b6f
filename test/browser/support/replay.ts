import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { ACTION_TIMEOUT_MS } from './browser';
import type { VisitedPage } from './journal';

export interface ReplayOptions {
  javaScriptEnabled: boolean;
  width?: number;
  height?: number;
}

interface Asset {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Shows a recorded page again, from the HTML the server sent, in a context of its own. The
 * document comes from the record; the stylesheet and icon are fetched from the live app once
 * and then served from memory (routing turns the browser cache off). This lets axe (which needs
 * JavaScript) look at exactly the page the patient saw with JavaScript off, and lets the layout
 * checks revisit every state without replaying the journeys.
 */
export class Replayer {
  private current?: { url: string; html: string };
  private readonly assets = new Map<string, Promise<Asset>>();

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async start(browser: Browser, options: ReplayOptions): Promise<Replayer> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled,
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      locale: 'nl-NL',
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const replayer = new Replayer(context, page);
    await context.route('**/*', (route) => replayer.handle(route));
    return replayer;
  }

  private async handle(route: Route): Promise<void> {
    const url = route.request().url().split('#')[0]!;
    if (this.current && url === this.current.url && route.request().isNavigationRequest()) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: this.current.html });
    }
    let asset = this.assets.get(url);
    if (!asset) {
      asset = route.fetch().then(async (res) => ({ status: res.status(), headers: res.headers(), body: await res.body() }));
      this.assets.set(url, asset);
    }
    const { status, headers, body } = await asset;
    return route.fulfill({ status, headers, body });
  }

  /** Loads the recorded page; `extraCss` is added at the end of the head, e.g. to enlarge text. */
  async show(record: VisitedPage, extraCss?: string): Promise<Page> {
    const html = extraCss ? record.html.replace('</head>', `<style>${extraCss}</style></head>`) : record.html;
    this.current = { url: record.url.split('#')[0]!, html };
    await this.page.goto(record.url, { waitUntil: 'load' });
    return this.page;
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
