import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, patientContext, startBrowserWorld, type BrowserWorld } from './support/browser';

/*
 * public/js/passkeys.js offering the passkeys among the e-mail field's suggestions on a sign-in
 * page left open. Chromium's virtual authenticator answers such an offer at once (see
 * journeys.test.ts), so it cannot show one that waits for the patient; here the SimpleWebAuthn
 * bundle is replaced by one whose ceremonies wait, as a browser's do until the patient picks, and
 * the page's timers run on Playwright's clock.
 */

/** SimpleWebAuthn's browser API as passkeys.js uses it; a new ceremony ends the one before, as there. */
const WAITING_WEBAUTHN = `
window.ceremonies = [];
var ending;
window.SimpleWebAuthnBrowser = {
  browserSupportsWebAuthn: function () { return true; },
  browserSupportsWebAuthnAutofill: function () { return Promise.resolve(true); },
  startAuthentication: function (o) {
    if (ending) ending(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    window.ceremonies.push({ challenge: o.optionsJSON.challenge, autofill: Boolean(o.useBrowserAutofill) });
    return new Promise(function (resolve, reject) { ending = reject; });
  },
  startRegistration: function () { return new Promise(function () {}); },
};
/** The patient closes the browser's passkey window without choosing one. */
window.cancelCeremony = function () { ending(Object.assign(new Error('cancelled'), { name: 'NotAllowedError' })); };`;

/** Lets the test say whether the page is in a tab behind others (document.hidden). */
const SETTABLE_VISIBILITY = `Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: function () { return window.behindOtherTabs === true; } });`;

const CHALLENGE_MS = 5 * 60_000;

describe('browser: passkeys offered in the e-mail field of a sign-in page left open', function () {
  this.timeout(120_000);
  let world: BrowserWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let optionsAsked: number;

  before(async () => {
    world = await startBrowserWorld();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });
  beforeEach(async () => {
    context = await patientContext(browser, world.passkeyURL, { javaScript: true });
    await context.route('**/js/simplewebauthn-browser.umd.min.js*', (route) => route.fulfill({ contentType: 'text/javascript', body: WAITING_WEBAUTHN }));
    await context.addInitScript(SETTABLE_VISIBILITY);
    page = await context.newPage();
    optionsAsked = 0;
    // Counted when sent: a renewal asks its options the moment its timer or the page's visibility says so.
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/inloggen/toegangssleutel/opties') optionsAsked += 1;
    });
    await page.clock.install();
    await page.goto('/inloggen');
    await ceremoniesReach(1);
  });
  afterEach(() => context.close());

  type Ceremony = { challenge: string; autofill: boolean };
  const ceremonies = () => page.evaluate<Ceremony[]>('window.ceremonies');
  // A function, not a string: the page's CSP allows no eval.
  const ceremoniesReach = (count: number) => page.waitForFunction((n) => (globalThis as unknown as { ceremonies: unknown[] }).ceremonies.length === n, count);
  /** Time (the real one) for a request the page might still make to be seen. */
  const quietly = () => new Promise((resolve) => setTimeout(resolve, 500));
  const behindOtherTabs = (hidden: boolean) => page.evaluate(`window.behindOtherTabs = ${hidden}; document.dispatchEvent(new Event('visibilitychange'))`);

  it('renews the offer with a new challenge shortly before the server stops taking the old one', async () => {
    const [offer, ...more] = await ceremonies();
    expect(offer).to.include({ autofill: true });
    expect(more).to.have.length(0);
    await page.clock.runFor(CHALLENGE_MS - 20_000);
    await quietly();
    expect(optionsAsked, 'not yet').to.equal(1);
    await page.clock.runFor(10_000);
    await ceremoniesReach(2);
    const [first, second] = await ceremonies();
    expect(second!.autofill).to.equal(true);
    expect(second!.challenge, 'a new challenge').to.not.equal(first!.challenge);
    expect(optionsAsked).to.equal(2);
  });

  it('renews it in a tab behind others only when the patient comes back to it', async () => {
    await behindOtherTabs(true);
    await page.clock.runFor(3 * CHALLENGE_MS);
    await quietly();
    expect(optionsAsked, 'nothing asked while nobody looks').to.equal(1);
    await behindOtherTabs(false);
    await ceremoniesReach(2);
    expect(optionsAsked).to.equal(2);
  });

  it('renews it at once when the page is seen again after the computer slept (its timer had not run)', async () => {
    await page.clock.setSystemTime(Date.now() + 2 * CHALLENGE_MS);
    await quietly();
    expect(optionsAsked, 'no timer ran').to.equal(1);
    await behindOtherTabs(false);
    await ceremoniesReach(2);
    expect(optionsAsked).to.equal(2);
  });

  it('stops offering while the button\'s ceremony runs, which it must not cancel, and offers again when that one is cancelled', async () => {
    await page.getByRole('button', { name: 'Inloggen met een toegangssleutel' }).click();
    await ceremoniesReach(2);
    await page.clock.runFor(3 * CHALLENGE_MS);
    await quietly();
    expect((await ceremonies()).map((c) => c.autofill)).to.deep.equal([true, false]);
    expect(optionsAsked).to.equal(2);

    await page.evaluate('window.cancelCeremony()');
    await ceremoniesReach(3);
    expect((await ceremonies()).map((c) => c.autofill)).to.deep.equal([true, false, true]);
    expect(await page.getByRole('alert').innerText(), 'the button says it did not work').to.include('toegangssleutel');
    expect(await page.getByRole('button', { name: 'Inloggen met een toegangssleutel' }).isEnabled()).to.equal(true);
  });
});
