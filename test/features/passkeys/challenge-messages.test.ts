import { expect } from 'chai';
import { csrfTokenOf } from '../../support/forms';
import { askOptions, authenticatorFor, PASSKEYS, passkeySignIn, patientWithPasskey, TWO_STEP } from '../../support/passkeys';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';

const TOO_LONG = 'Dat duurde te lang.';
const USE_FAILED = 'Het gebruik van je toegangssleutel is niet gelukt. Probeer het opnieuw.';
const ADD_FAILED = 'Het toevoegen van je toegangssleutel is niet gelukt. Probeer het opnieuw.';

/** "Dat duurde te lang" only for a challenge that ran out; an answer to one this page never gave is told so plainly. */
describe('passkeys: what an answer to a challenge not given is told', () => {
  let rt: TestRuntime;
  let world: Awaited<ReturnType<typeof patientWithPasskey>>;
  beforeEach(async () => {
    rt = await startTestRuntime();
    world = await patientWithPasskey(rt);
  });
  afterEach(() => rt.close());

  it('a challenge of the sign-in page answered on the fresh confirmation', async () => {
    const { agent, authenticator, patient } = world;
    const returnTo = `${PASSKEYS}/toevoegen`;
    const page = `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`;
    rt.clock.advanceMinutes(11); // the confirmation of the setup has expired
    const token = csrfTokenOf((await agent.get(page)).text);
    const signInOptions = await askOptions(agent, '/inloggen/toegangssleutel/opties', token);
    expect(signInOptions.status).to.equal(200);
    const res = await agent.post('/account/bevestigen').type('form')
      .send({ _csrf: token, terug: returnTo, password: patient.password, code: '', credential: JSON.stringify(authenticator.get(signInOptions.body)) });
    expect(res.status).to.equal(400);
    expect(res.text).to.include(USE_FAILED).and.not.include(TOO_LONG);
  });

  it('an answer of the sign-in page replayed in another session', async () => {
    const first = await passkeySignIn(rt.agent(), world.authenticator);
    expect(first.headers.location).to.equal('/werkblad');
    const thief = rt.agent();
    const token = csrfTokenOf((await thief.get('/inloggen')).text);
    await askOptions(thief, '/inloggen/toegangssleutel/opties', token);
    const replayed = await thief.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(first.credential) });
    expect(replayed.status).to.equal(400);
    expect(replayed.text).to.include(USE_FAILED).and.not.include(TOO_LONG);
  });

  it('a new passkey\'s answer sent again after it was added, and one that really came late', async () => {
    const { agent } = world;
    const token = csrfTokenOf((await agent.get(`${PASSKEYS}/toevoegen`)).text);
    const options = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Telefoon' });
    const form = { _csrf: token, name: 'Tablet', credential: JSON.stringify(authenticatorFor(rt).create(options.body)) };
    expect((await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ ...form, name: 'Telefoon' })).headers.location).to.equal(TWO_STEP);
    rt.clock.advance(31_000); // after the double-click guard: the form is checked itself
    const again = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send(form);
    expect(again.status).to.equal(400);
    expect(again.text).to.include(ADD_FAILED).and.not.include(TOO_LONG);

    const late = await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Laat' });
    const answer = JSON.stringify(authenticatorFor(rt).create(late.body));
    rt.clock.advance(5 * 60_000 + 1000);
    await askOptions(agent, `${PASSKEYS}/toevoegen/opties`, token, { name: 'Laat' }); // asked again meanwhile, in another tab
    const tooLate = await agent.post(`${PASSKEYS}/toevoegen`).type('form').send({ _csrf: token, name: 'Laat', credential: answer });
    expect(tooLate.status).to.equal(400);
    expect(tooLate.text, 'it did take too long').to.include('Dat duurde te lang. Probeer het opnieuw.');
  });

  it('says it in English too', async () => {
    const other = rt.agent();
    const otherToken = csrfTokenOf((await other.get('/inloggen')).text);
    const answer = world.authenticator.get((await askOptions(other, '/inloggen/toegangssleutel/opties', otherToken)).body);
    const agent = rt.agent();
    await agent.get('/taal/en');
    const token = csrfTokenOf((await agent.get('/inloggen')).text);
    const res = await agent.post('/inloggen/toegangssleutel').type('form').send({ _csrf: token, credential: JSON.stringify(answer) });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('Using your passkey did not work. Please try again.');
  });
});
