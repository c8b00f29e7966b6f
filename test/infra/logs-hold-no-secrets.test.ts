import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../src/infra/logger';
import { signIn, submitForm } from '../support/forms';
import { enableAppTwoFactor } from '../support/totp';
import {
  enableSmsTwoFactor, enterRecoveryCode, enterSignInCode, lastCode, passwordStep, pastSmsCooldown, signedInPatient, startSmsWorld, type SmsWorld,
} from '../support/two-factor';

/** SPEC §4: the logs never hold a password, code, recovery code, TOTP secret or full phone number. */
describe('the logs hold no secret, through whole journeys (SPEC §4)', () => {
  let world: SmsWorld;
  let log = '';
  beforeEach(async () => {
    log = '';
    const destination = new Writable({ write: (chunk, _encoding, done) => ((log += String(chunk)), done()) });
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' }, { logger: createLogger('debug', destination) });
  });
  afterEach(() => world.close());

  it('set-ups by SMS and app, wrong and right passwords and codes, a recovery code, provider errors', async () => {
    const { rt, vonage } = world;
    const secrets: string[] = [];

    const { patient, agent } = await signedInPatient(rt);
    secrets.push(patient.password);
    const recoveryCodes = await enableSmsTwoFactor(agent, vonage, '06 12345678');
    secrets.push(...recoveryCodes, ...recoveryCodes.map((code) => code.replace(/\s/g, '')));
    secrets.push('+31612345678', '0612345678', '612345678', '06 12345678');

    const wrongPassword = 'niet-het-goede-wachtwoord-17';
    secrets.push(wrongPassword);
    expect((await signIn(rt.agent(), patient.email, wrongPassword)).status).to.equal(400);

    const second = rt.agent();
    await passwordStep(second, patient.email, patient.password);
    expect((await enterSignInCode(second, '000000')).status).to.equal(400);
    await pastSmsCooldown();
    vonage.failNext('1'); // Throttled
    await submitForm(second, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    await pastSmsCooldown();
    vonage.failHttp(500);
    await submitForm(second, '/inloggen/code', {}, '/inloggen/code/nieuwe-code');
    expect((await enterSignInCode(second, lastCode(vonage))).headers.location).to.equal('/werkblad');

    const third = rt.agent();
    await passwordStep(third, patient.email, patient.password);
    expect((await enterRecoveryCode(third, recoveryCodes[0]!)).status).to.equal(302);

    const app = await signedInPatient(rt);
    const { secret, recoveryCodes: appCodes } = await enableAppTwoFactor(app.agent, rt);
    secrets.push(secret, app.patient.password, ...appCodes);

    const smsCodes = vonage.messages.map((message) => /\d{6}/.exec(message.text)![0]);
    expect(smsCodes.length, 'SMS sent').to.be.at.least(3);
    expect(log, 'the requests were logged').to.include('request completed');
    expect(log, 'the provider errors were logged').to.match(/"level":(40|50)/);
    for (const value of secrets) expect(log, `a secret in the log: ${value}`).not.to.include(value);
    // Six digits on their own: the log's timestamps hold runs of digits too.
    for (const code of smsCodes) expect(log, `an SMS code in the log: ${code}`).not.to.match(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  });
});
