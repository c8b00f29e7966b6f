import http from 'node:http';
import { expect } from 'chai';
import supertest from 'supertest';
import { csrfTokenOf, doubleClick, signIn, submitForm } from '../../support/forms';
import { listen } from '../../support/http-client';
import { patientWithSms, SmsWorld, startSmsWorld, confirmWithSms, expectSignedOut, signedInWithSms } from '../../support/two-factor';

type Patient = Awaited<ReturnType<typeof patientWithSms>>;

describe('changing the password (J6)', () => {
  let world: SmsWorld;
  let patient: Patient;
  beforeEach(async () => {
    world = await startSmsWorld({ SMS_RESEND_COOLDOWN_SECONDS: '1' });
    patient = await patientWithSms(world.rt);
  });
  afterEach(() => world.close());

  const fullySignedIn = () => signedInWithSms(world, patient);
  const confirm = (agent: supertest.Agent, returnTo: string, password = patient.password) => confirmWithSms(world, agent, returnTo, password);

  it('changes the password with the same rules as the admin command, and ends other sessions', async () => {
    const other = await fullySignedIn();
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    expect((await confirm(agent, path)).headers.location).to.equal(path);
    const form = (await agent.get(path)).text;
    expect(form, 'the rule is the field\'s hint, read out with it').to.match(/<p class="hint" id="newPassword-hint">Minstens 8 tekens\./)
      .and.match(/<input id="newPassword" name="newPassword" type="password" autocomplete="new-password" aria-describedby="newPassword-hint">/);
    const common = await submitForm(agent, path, { newPassword: 'password123', repeatPassword: 'password123' });
    expect(common.status).to.equal(400);
    expect(common.text).to.include('Dit wachtwoord wordt veel gebruikt');
    expect(common.text).not.to.include('password123');
    // The error summary is the first thing in main, before the account menu.
    expect(common.text.indexOf('class="error-summary"')).to.be.within(common.text.indexOf('<main'), common.text.indexOf('class="with-menu"'));
    const short = await submitForm(agent, path, { newPassword: 'kort', repeatPassword: 'kort' });
    expect(short.text).to.include('minstens 8 tekens');
    const mismatch = await submitForm(agent, path, { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-8' });
    expect(mismatch.text).to.include('De twee wachtwoorden zijn niet hetzelfde');
    const ok = await submitForm(agent, path, { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' });
    expect(ok.headers.location).to.equal(`${path}`);
    await expectSignedOut(other);
    expect((await agent.get('/werkblad')).status).to.equal(200);
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).status).to.equal(400);
    expect((await signIn(world.rt.agent(), patient.email, 'blauwe-tulp-fietst-7')).headers.location).to.equal('/inloggen/code');
    expect((await world.rt.services.messages.listForUser(patient.id)).map((m) => m.kind)).to.include('password_changed');
  });

  it('changes the password once when the form is sent twice at once (a double click): one notice, and both answers say it is changed', async () => {
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    await confirm(agent, path);
    const fields = { newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' };

    await doubleClick(agent, path, fields, { first: `${path}`, second: [`${path}`] });

    const notices = (await world.rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'password_changed');
    expect(notices, 'one notice in Berichten').to.have.length(1);
    expect((await agent.get(path)).text, 'the page it leads to says so').to.include('Je wachtwoord is gewijzigd.');
    expect((await signIn(world.rt.agent(), patient.email, 'blauwe-tulp-fietst-7')).headers.location).to.equal('/inloggen/code');
  });

  it('sends a double click\'s late repeat on to "changed", whether it comes with the old session\'s cookie or already with the new one', async () => {
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    const changed = `${path}`;
    await confirm(agent, path);
    const page = await agent.get(path);
    const oldCookie = String((page as unknown as { req: http.ClientRequest }).req.getHeader('cookie'));
    const fields = { _csrf: csrfTokenOf(page.text), newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-7' };
    expect((await agent.post(path).type('form').send(fields)).headers.location).to.equal(changed);

    // With the new session's cookie: the new password is now the current one, but it was the first that changed it.
    const withNew = await agent.post(path).type('form').send(fields);
    expect(`${withNew.status} ${withNew.headers.location}`).to.equal(`302 ${changed}`);
    // With the old session's cookie (its session ended): the new session's cookie comes with the answer.
    const withOld = await supertest(world.rt.app).post(path).set('Cookie', oldCookie).type('form').send(fields);
    expect(`${withOld.status} ${withOld.headers.location}`).to.equal(`302 ${changed}`);
    const newCookie = String(withOld.headers['set-cookie']).split(';')[0]!;
    expect((await supertest(world.rt.app).get(changed).set('Cookie', newCookie)).text).to.include('Je wachtwoord is gewijzigd. Je bent op je andere apparaten uitgelogd.');

    const notices = (await world.rt.services.messages.listForUser(patient.id)).filter((m) => m.kind === 'password_changed');
    expect(notices, 'one notice in Berichten').to.have.length(1);
  });

  it('answers both of a double click with the error when the form is wrong, never with "changed"', async () => {
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    await confirm(agent, path);
    const token = csrfTokenOf((await agent.get(path)).text);
    const fields = { _csrf: token, newPassword: 'blauwe-tulp-fietst-7', repeatPassword: 'blauwe-tulp-fietst-8' };

    const answers = await Promise.all([0, 1].map(() => agent.post(path).type('form').send(fields)));

    for (const res of answers) {
      expect(`${res.status} ${res.headers.location}`).to.equal('400 undefined');
      expect(res.text).to.include('De twee wachtwoorden zijn niet hetzelfde');
    }
    expect((await signIn(world.rt.agent(), patient.email, patient.password)).headers.location, 'the password is unchanged').to.equal('/inloggen/code');
  });

  it('tells the truth to a double click whose first request the browser dropped while it was handled', async () => {
    const agent = await fullySignedIn();
    const path = '/account/wachtwoord';
    await confirm(agent, path);
    const page = await agent.get(path);
    const cookie = String((page as unknown as { req: http.ClientRequest }).req.getHeader('cookie'));
    // The new password is the current one: refused only after a hash, so the first is still busy when it is dropped.
    const fields = { _csrf: csrfTokenOf(page.text), newPassword: patient.password, repeatPassword: patient.password };
    const claims = () => world.rt.db('rate_limits').where('key', 'like', 'form_submission%').count({ n: '*' }).first().then((row) => Number(row?.n));
    const before = await claims(); // the confirmation's
    const claimed = async () => (await claims()) > before;
    const server = await listen(world.rt.app);
    try {
      const first = http.request(`${server.url}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
      let answered = false;
      first.on('response', () => (answered = true)).on('error', () => undefined);
      first.end(new URLSearchParams(fields).toString());
      for (let tries = 0; !(await claimed()); tries += 1) {
        if (tries > 200) throw new Error('the first request was never claimed');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      first.destroy(); // the second click: the browser drops the first request
      expect(answered, 'the first was still being handled when it was dropped').to.equal(false);

      const second = await agent.post(path).type('form').send(fields);

      expect(`${second.status} ${second.headers.location}`).to.equal('400 undefined');
      expect(second.text).to.include('Je nieuwe wachtwoord is hetzelfde als je huidige wachtwoord.');
    } finally {
      await server.close();
    }
  });
});
