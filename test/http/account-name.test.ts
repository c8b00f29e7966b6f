import { expect } from 'chai';
import { DESK, createStaffMember, deskPasswordStep, signInAtDesk } from '../support/desk';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { signedInPatient } from '../support/two-factor';

/** The hidden address fields of a page: what a password manager takes as the account of its password fields. */
const accountNamesIn = (html: string) =>
  [...html.matchAll(/<label hidden>Ingelogd als <input type="email" name="username" value="([^"]*)" autocomplete="username" hidden readonly><\/label>/g)].map((m) => m[1]);

describe('http: a form with a password but no address names the account to password managers (autocomplete="username")', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('the patient\'s confirmation and password change: their own address, once per form', async () => {
    const { patient, agent } = await signedInPatient(rt, { fresh: false });
    const confirmation = await agent.get('/account/bevestigen?terug=%2Faccount%2Fwachtwoord');
    expect(accountNamesIn(confirmation.text)).to.deep.equal([patient.email]);
    expect(confirmation.text.indexOf('name="username"'), 'in the form with the password').to.be.above(confirmation.text.indexOf('action="/account/bevestigen?'));
    const { agent: fresh, patient: other } = await signedInPatient(rt);
    expect(accountNamesIn((await fresh.get('/account/wachtwoord')).text)).to.deep.equal([other.email]);
  });

  it('the desk\'s own password change and confirmations: the staff member\'s address, once, beside both kinds of password field', async () => {
    const member = await createStaffMember(rt);
    const desk = await signInAtDesk(rt, member);
    expect(accountNamesIn((await desk.get(`${DESK}/wachtwoord`)).text)).to.deep.equal([member.email]);
    expect(accountNamesIn((await desk.get(`${DESK}/toegangssleutels`)).text)).to.deep.equal([member.email]);
  });

  it('a staff member\'s first sign-in, choosing their own password', async () => {
    const password = 'k7mq-2x9d-aaaa-bbbb-cccc';
    const member = await rt.services.staff.create({
      email: 'bea@kliniek.nl', name: 'Bea Bakker', role: 'desk', passwordHash: await rt.services.hasher.hash(password), oneTimePasswordUntil: rt.clock.now() + 86_400_000,
    });
    const agent = rt.agent();
    await deskPasswordStep(agent, { email: member.email, password });
    expect(accountNamesIn((await agent.get(`${DESK}/eerste-keer/wachtwoord`)).text)).to.deep.equal(['bea@kliniek.nl']);
  });

  it('not on pages without a password, nor before signing in', async () => {
    const { agent } = await signedInPatient(rt);
    expect(accountNamesIn((await agent.get('/werkblad')).text)).to.deep.equal([]);
    expect(accountNamesIn((await rt.agent().get('/inloggen')).text), 'the sign-in form has its own address field').to.deep.equal([]);
  });
});
