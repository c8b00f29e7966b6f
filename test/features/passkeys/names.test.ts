import { expect } from 'chai';
import { csrfTokenOf, signIn, submitForm } from '../../support/forms';
import { addPasskey, askOptions, authenticatorFor, eventTypes, PASSKEYS, patientWithPasskey, registerPasskey, TWO_STEP } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { confirmPassword } from '../../support/two-factor';

const TAKEN = 'Je hebt al een toegangssleutel met deze naam. Kies een andere naam.';

/** A patient's passkeys have names that tell them apart: in the list, the remove page, the activity log and the e-mails. */
describe('passkeys: a name is used once per patient', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  const namesOf = async (userId: number) => (await rt.services.passkeys.listForUser(userId)).map((p) => p.name);

  /** The error contract: 400, the summary linking to the field, "Fout: " in the title, the message at the field. */
  function expectTakenAtField(res: { status: number; text: string }, title: string) {
    expect(res.status, res.text.slice(0, 300)).to.equal(400);
    expect(res.text).to.include(`<li><a href="#name">${TAKEN}</a></li>`);
    expect(res.text).to.include(`<title>Fout: ${title} – Karify</title>`);
    expect(res.text.split(TAKEN), 'in the summary and at the field').to.have.length(3);
  }

  it('refuses a second "Laptop" (case and spaces aside) before the browser makes one and at the form, keeping what was typed', async () => {
    const { patient, agent } = await patientWithPasskey(rt, 'Laptop');
    const page = await agent.get(`${PASSKEYS}/toevoegen`);
    const token = csrfTokenOf(page.text);
    for (const name of ['Laptop', '  lAPTOP ', 'LAPTOP']) {
      const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name });
      expect(options.status, name).to.equal(400);
      expect(options.body.message).to.equal(TAKEN);
    }
    // The script sends the form as it is after a 400: the message comes back at the field.
    const form = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: ' lAPTOP ', credential: '' });
    expectTakenAtField(form, 'Toegangssleutel toevoegen');
    expect(form.text).to.include('value="lAPTOP"');

    // Options asked for another name, the form sent with the taken one: still refused, nothing added.
    const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Telefoon' });
    const credential = JSON.stringify(authenticatorFor(rt).create(options.body));
    const swapped = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: 'laptop', credential });
    expectTakenAtField(swapped, 'Toegangssleutel toevoegen');
    expect(await namesOf(patient.id)).to.deep.equal(['Laptop']);
    expect((await eventTypes(rt, patient.id)).filter((type) => type === 'passkey_added')).to.have.length(1);

    expect((await addPasskey(agent, authenticatorFor(rt), 'Laptop thuis')).headers.location, 'another name is fine').to.equal(TWO_STEP);
    expect(await namesOf(patient.id)).to.deep.equal(['Laptop', 'Laptop thuis']);
  });

  it('refuses renaming a passkey to another one\'s name; its own name, in other letters, is fine', async () => {
    const { patient, agent } = await patientWithPasskey(rt, 'Laptop');
    const second = await registerPasskey(rt, patient, authenticatorFor(rt), 'Telefoon');
    const path = `${PASSKEYS}/${second.id}/naam`;
    const refused = await submitForm(agent, path, { name: '  LAPTOP  ' });
    expectTakenAtField(refused, 'Naam van je toegangssleutel wijzigen');
    expect(refused.text).to.include('value="LAPTOP"');
    expect(await namesOf(patient.id)).to.deep.equal(['Laptop', 'Telefoon']);
    expect(await eventTypes(rt, patient.id)).not.to.include('passkey_renamed');

    const own = await submitForm(agent, path, { name: 'telefoon' });
    expect(own.headers.location, own.text.slice(0, 300)).to.equal(TWO_STEP);
    expect(await namesOf(patient.id)).to.deep.equal(['Laptop', 'telefoon']);
  });

  it('adds one of two passkeys with the same name sent at once from two sessions', async () => {
    const patient = await rt.createPatient();
    const sessions = [rt.agent(), rt.agent()];
    for (const session of sessions) {
      await signIn(session, patient.email, patient.password);
      await confirmPassword(session, patient.password, `${PASSKEYS}/toevoegen`);
    }
    await rt.services.twoFactor.enablePasskey(patient.id, []); // so an add only adds
    // Both have their options before either answers: the name is free for both then.
    const forms = await Promise.all(sessions.map(async (session) => {
      const token = csrfTokenOf((await session.get(`${PASSKEYS}/toevoegen`)).text);
      const options = await askOptions(session, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Laptop' });
      expect(options.status, options.text).to.equal(200);
      return { _csrf: token, name: 'Laptop', credential: JSON.stringify(authenticatorFor(rt).create(options.body)) };
    }));
    const results = await Promise.all(sessions.map((session, i) => session.post(`${PASSKEYS}/toevoegen`).type('form').send(forms[i])));
    expect(await namesOf(patient.id)).to.deep.equal(['Laptop']);
    const added = results.filter((r) => r.status === 302 && r.headers.location === TWO_STEP);
    expect(added).to.have.length(1);
    // The other: refused with the reason, or (when it came after the whole add) signed out by it.
    const other = results.find((r) => !added.includes(r))!;
    if (other.status === 400) expect(other.text).to.include(TAKEN);
    else expect([other.status, other.headers.location]).to.deep.equal([302, '/inloggen']);
  });

  it('says it in English too', async () => {
    const { agent } = await patientWithPasskey(rt, 'Laptop');
    await agent.get('/taal/en');
    const token = csrfTokenOf((await agent.get(`${PASSKEYS}/toevoegen`)).text);
    const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'laptop' });
    expect(options.body.message).to.equal('You already have a passkey with this name. Choose another name.');
  });
});
