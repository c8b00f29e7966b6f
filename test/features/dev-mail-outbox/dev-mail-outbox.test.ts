import { expect } from 'chai';
import { createDateTimeFormatter } from '../../../src/i18n/format';
import { PRODUCTION_ENV, startTestRuntime, type TestEnv, type TestRuntime } from '../../support/runtime';

const PRODUCTION: TestEnv = {
  ...PRODUCTION_ENV,
  SMS_PROVIDER: 'outbox',
  ALLOW_SMS_OUTBOX_IN_PRODUCTION: 'true',
  MAIL_PROVIDER: 'outbox',
  ALLOW_MAIL_OUTBOX_IN_PRODUCTION: 'true',
  MAIL_FROM: 'Karify <noreply@example.nl>',
};

describe('development: the e-mail outbox', () => {
  let rt: TestRuntime | undefined;
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
  });

  it('shows the alerts written, newest first, with address, status and the whole text', async () => {
    rt = await startTestRuntime({ MAIL_POLL_SECONDS: '3600' }); // the test sends the outbox itself
    const empty = await rt.agent().get('/ontwikkeling/e-mail');
    expect(empty.status).to.equal(200);
    expect(empty.text).to.include('<h1>E-mail-outbox (ontwikkeling)</h1>').and.include('Nog geen e-mails.');

    const patient = await rt.createPatient({ email: 'bea@example.nl', name: 'Bea <b>Jansen</b>' });
    await rt.services.inTransaction(({ notifier }) => notifier.notify(patient.id, 'password_changed', { ip: '203.0.113.5' }));
    const waiting = await rt.agent().get('/ontwikkeling/e-mail');
    expect(waiting.text).to.include('Je wachtwoord is gewijzigd').and.include('bea@example.nl').and.include('Wacht op versturen');
    const dutch = createDateTimeFormatter('nl-NL', rt.config.timeZone);
    const written = `<dd>${dutch.date(rt.clock.now())} om ${dutch.time(rt.clock.now())}</dd>`;
    expect(waiting.text, 'when, as every page says it').to.include(`<dt>Geschreven</dt>${written}`);

    await rt.services.mailWorker.runOnce();
    const page = (await rt.agent().get('/ontwikkeling/e-mail')).text;
    expect(page).to.include('Afgeleverd in deze outbox');
    expect(page).to.include('Beste Bea &lt;b&gt;Jansen&lt;/b&gt;,').and.not.include('<b>Jansen</b>');
    expect(page).to.include('IP-adres (ingekort): 203.0.113.0');
    expect(page, 'a Dutch mail on the Dutch page needs no lang').not.to.match(/<(h2|pre)[^>]* lang=/);

    const english = await rt.createPatient({ email: 'eva@example.nl', name: 'Eva' });
    await rt.services.users.setLanguage(english.id, 'en');
    await rt.services.inTransaction(({ notifier }) => notifier.notify(english.id, 'password_changed', { ip: '203.0.113.5' }));
    const both = (await rt.agent().get('/ontwikkeling/e-mail')).text;
    expect(both, 'the English mail marked as English').to.match(/<h2 id="mail-\d+" lang="en">[^<]+<\/h2>/).and.match(/<pre class="mail-text" lang="en">Dear Eva,/);
  });

  it('is not there when mail goes out by SMTP', async () => {
    rt = await startTestRuntime({ MAIL_PROVIDER: 'smtp', SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect((await rt.agent().get('/ontwikkeling/e-mail')).status).to.equal(404);
  });

  it('is never there in production, not even with the outbox allowed', async () => {
    rt = await startTestRuntime(PRODUCTION);
    expect((await rt.agent().get('/ontwikkeling/e-mail')).status).to.equal(404);
  });
});
