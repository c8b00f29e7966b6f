import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type supertest from 'supertest';
import { submitForm } from './forms';
import type { TestRuntime } from './runtime';
import { recoveryCodesIn, SETUP } from './two-factor';

export const STEP_MS = 30_000;

/** The code an authenticator app shows at `ms` — computed here with otpauth itself, not with the app's code. */
export function appCode(secret: string, ms: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: ms });
}

/** A code that is none of the codes valid around `ms` (±2 steps); `nth` gives different ones (guesses, not one guess sent again). */
export function wrongAppCode(secret: string, ms: number, nth = 0): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => appCode(secret, ms + d * STEP_MS)));
  for (let n = 0, found = 0; ; n += 1) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code) && found++ === nth) return code;
  }
}

/** The key as the Koppelen page shows it ("ABCD EFGH …"), without the spaces. */
export function keyFromPage(html: string): string {
  const shown = /<code class="totp-key">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  if (!shown) throw new Error('page shows no TOTP key');
  return shown.replace(/ /g, '');
}

export const chooseApp = (agent: supertest.Agent) => submitForm(agent, `${SETUP}/methode`, { method: 'app' });

/** Through the wizard with the app: Methode — Koppelen — Verificatie — Herstelcodes — Klaar. */
export async function enableAppTwoFactor(agent: supertest.Agent, rt: TestRuntime): Promise<{ secret: string; recoveryCodes: string[] }> {
  expect((await chooseApp(agent)).headers.location).to.equal(`${SETUP}/koppelen`);
  const secret = keyFromPage((await agent.get(`${SETUP}/koppelen`)).text);
  expect((await submitForm(agent, `${SETUP}/koppelen`, {})).headers.location).to.equal(`${SETUP}/verificatie`);
  const verified = await submitForm(agent, `${SETUP}/verificatie`, { code: appCode(secret, rt.clock.now()) });
  expect(verified.headers.location).to.equal(`${SETUP}/herstelcodes`);
  const page = await agent.get(`${SETUP}/herstelcodes`);
  const recoveryCodes = recoveryCodesIn(page.text);
  expect((await submitForm(agent, `${SETUP}/herstelcodes`, {})).headers.location).to.equal(`${SETUP}/klaar`);
  return { secret, recoveryCodes };
}

/** A patient with the app already on (set through the domain, not the wizard). */
export async function patientWithApp(rt: TestRuntime) {
  const patient = await rt.createPatient();
  const secret = new Secret({ size: 20 }).base32;
  const recoveryCodes = rt.services.recoveryCodes.generate();
  await rt.services.twoFactor.enableTotp(patient.id, rt.services.secretBox.seal(secret), recoveryCodes);
  return { ...patient, secret, recoveryCodes };
}
