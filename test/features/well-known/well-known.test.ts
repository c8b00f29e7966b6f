import { expect } from 'chai';
import type supertest from 'supertest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { confirmPassword, signedInPatient } from '../../support/two-factor';

const CHANGE_PASSWORD = '/.well-known/change-password';
const PASSKEY_ENDPOINTS = '/.well-known/passkey-endpoints';
const SECURITY_TXT = '/.well-known/security.txt';

const expectNoSession = (res: supertest.Response) => expect(res.headers['set-cookie'], 'no session cookie').to.equal(undefined);

describe('well-known addresses: where password managers lead a patient', () => {
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  describe('change-password', () => {
    beforeEach(async () => {
      rt = await startTestRuntime();
    });

    it('leads to the password page, without a session of its own', async () => {
      const res = await rt.agent().get(CHANGE_PASSWORD);
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/account/wachtwoord');
      expectNoSession(res);
    });

    it('where a signed-in patient confirms and changes the password; a visitor signs in first', async () => {
      const visitor = await rt.agent().get('/account/wachtwoord');
      expect(visitor.headers.location).to.match(/^\/inloggen/);
      const { agent, patient } = await signedInPatient(rt, { fresh: false });
      const target = (await agent.get(CHANGE_PASSWORD)).headers.location!;
      expect((await agent.get(target)).headers.location).to.equal(`/account/bevestigen?terug=${encodeURIComponent(target)}`);
      await confirmPassword(agent, patient.password, target);
      const page = await agent.get(target);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('name="newPassword"');
    });
  });

  describe('passkey-endpoints', () => {
    it('names the pages to add a passkey and to manage them, at the address patients use (PUBLIC_URL)', async () => {
      rt = await startTestRuntime({ PUBLIC_URL: 'https://mijn.kliniek.example.nl' });
      const res = await rt.agent().get(PASSKEY_ENDPOINTS);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(res.body).to.deep.equal({
        enroll: 'https://mijn.kliniek.example.nl/account/twee-stappen/toegangssleutels/toevoegen',
        manage: 'https://mijn.kliniek.example.nl/account/twee-stappen',
      });
      expectNoSession(res);
    });

    it('leads to pages a signed-in patient can open (after confirming, for adding one)', async () => {
      rt = await startTestRuntime();
      const { body } = await rt.agent().get(PASSKEY_ENDPOINTS);
      const { agent } = await signedInPatient(rt);
      for (const url of [body.enroll, body.manage] as string[]) {
        const { pathname, origin } = new URL(url);
        expect(origin).to.equal(rt.config.webauthn.origin);
        const page = await agent.get(pathname);
        expect(page.status, pathname).to.equal(200);
      }
    });
  });

  describe('security.txt', () => {
    it('names where to report a vulnerability (SECURITY_CONTACT), expiring half a year from today', async () => {
      rt = await startTestRuntime({ PUBLIC_URL: 'https://mijn.kliniek.example.nl', SECURITY_CONTACT: 'mailto:security@kliniek.example.nl, https://kliniek.example.nl/melden' });
      const res = await rt.agent().get(SECURITY_TXT);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(res.text).to.equal([
        'Contact: mailto:security@kliniek.example.nl',
        'Contact: https://kliniek.example.nl/melden',
        'Expires: 2027-05-24T00:00:00.000Z', // the test clock: 25 November 2026
        'Preferred-Languages: nl, en',
        'Canonical: https://mijn.kliniek.example.nl/.well-known/security.txt',
        '',
      ].join('\n'));
      expectNoSession(res);
      rt.clock.advanceMinutes(24 * 60);
      expect((await rt.agent().get(SECURITY_TXT)).text).to.include('Expires: 2027-05-25T00:00:00.000Z');
    });

    it('is not there when the clinic named no contact', async () => {
      rt = await startTestRuntime();
      const res = await rt.agent().get(SECURITY_TXT);
      expect(res.status).to.equal(404);
      expect(res.text).to.include('Pagina niet gevonden');
    });
  });
});
