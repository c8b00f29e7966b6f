import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { answerUnreadableRequests } from '../../../src/http/unreadable-requests';
import { startSmsWorld, type SmsWorld } from '../../support/two-factor';
import { freeLoopbackPort } from '../../support/redis-server';
import type { TestEnv } from '../../support/runtime';

/** Debian's chromium: the suite never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  // CI containers often have a small /dev/shm; Chromium's renderers then crash under load.
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install the Debian package "chromium" ` +
        '(apt-get install chromium, or run npm run test:all as root: test/support/install-test-deps.sh installs it).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * How long one browser action (a click, a page load) may take. Generous on purpose: on a busy
 * 2-core CI machine a page that takes 50 ms alone can take seconds; a real hang still fails.
 */
export const ACTION_TIMEOUT_MS = 60_000;

/** How a patient's browser differs from the usual one: scripts off, Dutch, a desktop window. */
export interface BrowserSettings {
  javaScript?: boolean;
  /** The language the browser asks for (Accept-Language and navigator.language). */
  locale?: string;
  viewport?: { width: number; height: number };
  /**
   * false: a browser that offers no passkeys among a field's suggestions (WebAuthn without
   * conditional mediation, as in Firefox before 119). Chromium's virtual authenticator picks a
   * passkey offered there at once, as if the patient had, so the sign-in page would sign in by
   * itself before anything could be typed or pressed.
   */
  passkeyAutofill?: boolean;
}

const NO_PASSKEY_AUTOFILL = `if (window.PublicKeyCredential) PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`;

export const PHONE_VIEWPORT = { width: 320, height: 568 };

export async function patientContext(browser: Browser, baseURL: string, settings: BrowserSettings = {}): Promise<BrowserContext> {
  const javaScriptEnabled = settings.javaScript ?? false;
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled,
    locale: settings.locale ?? 'nl-NL',
    viewport: settings.viewport ?? { width: 1280, height: 900 },
  });
  if (javaScriptEnabled) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  if (settings.passkeyAutofill === false) await context.addInitScript(NO_PASSKEY_AUTOFILL);
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return context;
}

export interface BrowserWorld extends SmsWorld {
  baseURL: string;
  /** The same app as http://localhost:PORT, the origin its passkeys belong to (an IP address cannot be one). */
  passkeyURL: string;
}

/**
 * The app in-process on a free port, sending SMS through the real Vonage SDK to the fake Vonage.
 * Limits are set so the journeys (all from 127.0.0.1) do not trip over each other; the limits
 * themselves are tested in test/features.
 */
export async function startBrowserWorld(env: TestEnv = {}): Promise<BrowserWorld> {
  // The port is chosen first: the passkeys' origin (http://localhost:PORT) is part of the configuration.
  const chosen = await freeLoopbackPort();
  const world = await startSmsWorld({
    PORT: String(chosen),
    SMS_RESEND_COOLDOWN_SECONDS: '1',
    SMS_MAX_PER_ACCOUNT_PER_HOUR: '100',
    SMS_MAX_PER_NUMBER_PER_DAY: '100',
    SMS_MAX_PER_IP_PER_HOUR: '1000',
    SIGNIN_FREE_FAILURES_PER_IP: '1000',
    SIGNIN_FREE_FAILURES_PER_ACCOUNT: '3',
    SIGNIN_LOCK_BASE_SECONDS: '600',
    SECOND_STEP_MAX_FAILURES: '3',
    ...env,
  });
  const server: Server = world.rt.app.listen(chosen, '127.0.0.1');
  // As src/server.ts: a request Node cannot parse gets the app's page.
  server.on('clientError', answerUnreadableRequests(world.rt.app, world.rt.services.translators.nl, world.rt.logger));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...world,
    baseURL: `http://127.0.0.1:${port}`,
    passkeyURL: `http://localhost:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await world.close();
    },
  };
}
