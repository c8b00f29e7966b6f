import { expect } from 'chai';
import type supertest from 'supertest';
import { createDateTimeFormatter } from '../../../src/i18n/format';
import { createStaffMember, DESK, deskPasswordStep, identityOf, signInAtDesk } from '../../support/desk';
import { signIn, submitForm } from '../../support/forms';
import { addPasskey, authenticatorFor, PASSKEYS } from '../../support/passkeys';
import { appCode, keyFromPage } from '../../support/totp';
import { confirmPassword, confirmWithSms, patientWithSms, recoveryCodesIn, setupUntilRecoveryCodes, signedInPatient, signedInWithSms, SmsWorld, startSmsWorld } from '../../support/two-factor';

/** Where one journey shows its new codes, with their printable page and file. */
interface CodesPages {
  agent: supertest.Agent;
  page: string;
  print: string;
  download: string;
}

const pagesUnder = (agent: supertest.Agent, page: string, print = `${page}/afdrukken`, download = `${page}/download`): CodesPages => ({ agent, page, print, download });

/** Every page that shows new recovery codes, reached as the patient or staff member reaches it. */
const JOURNEYS: Record<string, (world: SmsWorld) => Promise<CodesPages>> = {
  'the setup wizard, step 4': async ({ rt, vonage }) => {
    const { agent } = await signedInPatient(rt);
    await setupUntilRecoveryCodes(agent, vonage);
    return pagesUnder(agent, '/account/twee-stappen/instellen/herstelcodes');
  },
  'Nieuwe herstelcodes maken': async (world) => {
    const patient = await patientWithSms(world.rt);
    const agent = await signedInWithSms(world, patient);
    await confirmWithSms(world, agent, '/account/twee-stappen/herstelcodes/nieuw', patient.password);
    expect((await submitForm(agent, '/account/twee-stappen/herstelcodes/nieuw', {})).headers.location).to.equal('/account/twee-stappen/herstelcodes');
    return pagesUnder(agent, '/account/twee-stappen/herstelcodes');
  },
  'the first passkey': async ({ rt }) => {
    const patient = await rt.createPatient();
    const agent = rt.agent();
    await signIn(agent, patient.email, patient.password);
    await confirmPassword(agent, patient.password, `${PASSKEYS}/toevoegen`);
    expect((await addPasskey(agent, authenticatorFor(rt))).headers.location).to.equal(`${PASSKEYS}/herstelcodes`);
    return pagesUnder(agent, `${PASSKEYS}/herstelcodes`);
  },
  'the desk, first sign-in': async ({ rt }) => {
    const member = await createStaffMember(rt, { withApp: false });
    const agent = rt.agent();
    await deskPasswordStep(agent, member);
    const secret = keyFromPage((await agent.get(`${DESK}/eerste-keer/koppelen`)).text);
    expect((await submitForm(agent, `${DESK}/eerste-keer/koppelen`, { code: appCode(secret, rt.clock.now()) })).headers.location).to.equal(`${DESK}/eerste-keer/herstelcodes`);
    return pagesUnder(agent, `${DESK}/eerste-keer/herstelcodes`);
  },
  'the desk, new codes': async ({ rt }) => {
    const member = await createStaffMember(rt);
    const agent = await signInAtDesk(rt, member);
    expect((await submitForm(agent, `${DESK}/herstelcodes`, identityOf(rt, member))).headers.location).to.equal(`${DESK}/herstelcodes/nieuw`);
    return pagesUnder(agent, `${DESK}/herstelcodes/nieuw`);
  },
};

/** The text of the read-only block that "Kopieer herstelcodes" leads to, as a selection of it copies it. */
function copyBlockOf(html: string): string {
  const block = /<pre id="herstelcodes" class="recovery-codes" tabindex="-1">([\s\S]*?)<\/pre>/.exec(html);
  expect(block, 'the block of codes').not.to.equal(null);
  return block![1]!.replace(/<[^>]*>/g, '');
}

describe('the pages of new recovery codes (components/recovery-codes)', function () {
  this.timeout(30_000);
  let world: SmsWorld;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
  });
  afterEach(() => world.close());

  for (const [journey, reach] of Object.entries(JOURNEYS)) {
    it(`${journey}: "Kopieer herstelcodes" leads to a read-only block of just the codes, one a line, shown once`, async () => {
      const { agent, page, print } = await reach(world);
      const html = (await agent.get(page)).text;
      const codes = recoveryCodesIn(html);
      expect(codes).to.have.length(10);
      expect(copyBlockOf(html), 'no list numbers, nothing but the codes').to.equal(codes.join('\n'));
      expect(html).to.include('<a class="button button-secondary" href="#herstelcodes" data-copy-codes>Kopieer herstelcodes</a>');
      expect(html).not.to.match(/<(ol|ul)[^>]*recovery-codes/);
      for (const code of codes) expect(html.split(code), `${code} once`).to.have.length(2);
      expect(copyBlockOf((await agent.get(print)).text), 'the printable page').to.equal(codes.join('\n'));
    });

    it(`${journey}: the page, the printout and the file say when the codes were made`, async () => {
      const { agent, page, print, download } = await reach(world);
      const made = createDateTimeFormatter('nl-NL', 'Europe/Amsterdam');
      const madeAt = world.rt.clock.now();
      const expected = `Gemaakt op ${made.date(madeAt)} om ${made.time(madeAt)}`;
      world.rt.clock.advanceMinutes(3); // shown later, still the time they were made
      expect((await agent.get(page)).text).to.include(expected);
      expect((await agent.get(print)).text).to.include(expected);
      const file = (await agent.get(download)).text;
      expect(file.split('\r\n').slice(0, 3)).to.deep.equal([file.split('\r\n')[0], expected, '']);
      await agent.get(`/taal/en?terug=${encodeURIComponent(page)}`);
      const english = createDateTimeFormatter('en-GB', 'Europe/Amsterdam');
      expect((await agent.get(download)).text).to.include(`Created on ${english.date(madeAt)} at ${english.time(madeAt)}`);
    });
  }
});
