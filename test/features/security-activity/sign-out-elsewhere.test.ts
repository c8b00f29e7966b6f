import { expect } from 'chai';
import { doubleClick, signIn, submitForm } from '../../support/forms';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { tableRows } from '../../support/tables';
import { expectSignedOut } from '../../support/two-factor';

const PAGE = '/account/beveiliging';
const ACTION = '/account/beveiliging/uitloggen-op-andere-apparaten';
const DONE = '<p class="notice" role="status">Je bent op je andere apparaten uitgelogd. Op dit apparaat ben je nog ingelogd.</p>';

describe('security activity page: signing out on the other devices', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  /** A patient signed in here and on two other devices. */
  async function signedInThrice() {
    const patient = await rt.createPatient();
    const [here, library, laptop] = [rt.agent(), rt.agent(), rt.agent()];
    for (const agent of [here, library, laptop]) expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    return { patient, here, others: [library, laptop] };
  }

  it('ends every other session, keeps this one, says so once and records it in the activity', async () => {
    const { patient, here, others } = await signedInThrice();
    const page = await here.get(PAGE);
    expect(page.text).to.include(`<form method="post" action="${ACTION}" novalidate>`).and.include('>Uitloggen op andere apparaten</button>');
    expect(page.text).not.to.include(DONE);

    const res = await submitForm(here, PAGE, {}, ACTION);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(PAGE);
    for (const other of others) await expectSignedOut(other);
    const after = await here.get(PAGE);
    expect(after.status).to.equal(200);
    expect(after.text).to.include(DONE);
    expect(tableRows(after.text)[0]![1]).to.equal('Uitgelogd op andere apparaten');
    expect((await here.get(PAGE)).text, 'said once').not.to.include(DONE);
    expect((await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'signed_out_elsewhere')).to.have.length(1);
    expect(await rt.services.messages.listForUser(patient.id), 'no change to the account: nothing in Berichten').to.deep.equal([]);
  });

  it('in English once chosen', async () => {
    const { here } = await signedInThrice();
    await here.get(`/taal/en?terug=${PAGE}`);
    expect((await here.get(PAGE)).text).to.include('>Sign out on other devices</button>');
    await submitForm(here, PAGE, {}, ACTION);
    const after = await here.get(PAGE);
    expect(after.text).to.include('You have been signed out on your other devices. You are still signed in on this device.');
    expect(tableRows(after.text)[0]![1]).to.equal('Signed out on other devices');
  });

  it('does it once for a double click, and the second click lands where the first did', async () => {
    const { patient, here, others } = await signedInThrice();
    await doubleClick(here, PAGE, {}, { first: PAGE, second: [] }, ACTION);
    for (const other of others) await expectSignedOut(other);
    expect((await here.get('/werkblad')).status, 'this session goes on').to.equal(200);
    expect((await rt.services.audit.listForUser(patient.id)).filter((e) => e.type === 'signed_out_elsewhere')).to.have.length(1);
  });

  it('asks a visitor who is not signed in to sign in, and ends nothing', async () => {
    const { patient, others } = await signedInThrice();
    const visitor = rt.agent();
    const form = await submitForm(visitor, '/hulp/vragenformulier', {}, ACTION);
    expect(form.headers.location).to.match(/^\/inloggen/);
    for (const other of others) expect((await other.get('/werkblad')).status).to.equal(200);
    expect((await rt.services.audit.listForUser(patient.id)).map((e) => e.type)).not.to.include('signed_out_elsewhere');
  });
});
