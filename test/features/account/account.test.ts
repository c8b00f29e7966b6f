import { expect } from 'chai';
import { currentLinks, expectHeldAtSecondStep, expectSignInFirst } from '../../support/page-access';
import { signIn, submitForm } from '../../support/forms';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { signedInPatient } from '../../support/two-factor';

/** The account menu as it must read (SPEC J3), in its order. */
const MENU: Array<[string, string]> = [
  ['/account/twee-stappen', 'Authenticatie in twee stappen'],
  ['/account/profiel', 'Profiel'],
  ['/account/telefoonnummer', 'Telefoonnummer'],
  ['/account/notificaties', 'Notificaties'],
  ['/account/applicaties', 'Applicaties'],
  ['/account/afwezigheidsmeldingen', 'Afwezigheidsmeldingen'],
  ['/account/wachtwoord', 'Wachtwoord wijzigen'],
  ['/account/beveiliging', 'Beveiligingsactiviteit'],
];

/** The pages of the menu that only inform: a title and a text. */
const INFO_PAGES: Array<{ path: string; title: string; body: string; link?: string }> = [
  {
    path: '/account/telefoonnummer',
    title: 'Telefoonnummer',
    body: 'Je telefoonnummer voor inloggen in twee stappen stel je in bij Authenticatie in twee stappen.',
    link: '<p><a href="/account/twee-stappen">Naar Authenticatie in twee stappen</a></p>',
  },
  { path: '/account/notificaties', title: 'Notificaties', body: 'We sturen je een e-mail als er iets verandert aan hoe je inlogt, bijvoorbeeld als je wachtwoord is gewijzigd of als authenticatie in twee stappen aan of uit is gezet. Je vindt deze berichten ook bij Berichten. Deze e-mails kun je niet uitzetten: ze helpen je account veilig te houden.' },
  { path: '/account/applicaties', title: 'Applicaties', body: 'Er zijn geen applicaties aan je account gekoppeld.' },
  { path: '/account/afwezigheidsmeldingen', title: 'Afwezigheidsmeldingen', body: 'Er zijn geen afwezigheidsmeldingen.' },
];

const ACCOUNT_PAGES = ['/account', '/account/profiel', ...INFO_PAGES.map((p) => p.path)];

interface MenuLink {
  href: string;
  label: string;
  current: boolean;
}

/** The links of the account menu (`<nav class="account-menu">`), in page order. */
function accountMenu(html: string): MenuLink[] {
  const nav = /<nav class="account-menu" aria-labelledby="account-menu-title">\s*<h2 id="account-menu-title">Account<\/h2>([\s\S]*?)<\/nav>/.exec(html);
  if (!nav) throw new Error('page has no account menu');
  return [...nav[1]!.matchAll(/<a href="([^"]+)"( aria-current="page")?>([^<]*)<\/a>/g)].map((m) => ({ href: m[1]!, label: m[3]!, current: Boolean(m[2]) }));
}

function expectMenu(html: string, current: string | null): void {
  const links = accountMenu(html);
  expect(links.map((l) => [l.href, l.label])).to.deep.equal(MENU);
  expect(links.filter((l) => l.current).map((l) => l.href), 'current in the account menu').to.deep.equal(current ? [current] : []);
}

describe('Mijn account (J3)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('sends a visitor who is not signed in from every account page to the sign-in page', () => expectSignInFirst(rt, ACCOUNT_PAGES));

  it('keeps a half-signed-in patient on the second step', () => expectHeldAtSecondStep(rt, ACCOUNT_PAGES));

  it('shows the account page with the e-mail address, the e-mail alerts and the account menu', async () => {
    const { patient, agent } = await signedInPatient(rt, { fresh: false });
    const page = await agent.get('/account');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>Mijn account – Karify</title>').and.include('<h1>Mijn account</h1>');
    expect(page.text).to.include('<p>Hier beheer je je Karify account.</p>');
    expect(page.text).to.include(`<p>E-mailadres: <strong>${patient.email}</strong></p>`);
    expect(page.text).to.include(
      'Bij elke wijziging in de beveiliging van je account sturen we een e-mail naar dit adres. Zo zie je het meteen als iemand anders iets verandert.',
    );
    expectMenu(page.text, null);
    expect(currentLinks(page.text), 'the user menu marks Mijn account').to.deep.equal(['/account']);
  });

  it('shows the profile with the name and e-mail address, escaped, marked in the menu', async () => {
    const patient = await rt.createPatient({ name: 'Anna <b>de</b> Vries & zn', email: 'anna.de.vries@example.nl' });
    const agent = rt.agent();
    expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
    const page = await agent.get('/account/profiel');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>Profiel – Karify</title>').and.include('<h1>Profiel</h1>');
    expect(page.text).to.include('<div><dt>Naam</dt><dd>Anna &lt;b&gt;de&lt;/b&gt; Vries &amp; zn</dd></div>');
    expect(page.text).to.include('<div><dt>E-mailadres</dt><dd>anna.de.vries@example.nl</dd></div>');
    expect(page.text).not.to.include('<b>de</b>');
    expectMenu(page.text, '/account/profiel');
    expect(currentLinks(page.text), 'one link is the current page').to.deep.equal(['/account/profiel']);
    expect(page.text, 'Mijn account is the current section').to.include('<a href="/account" aria-current="true">Mijn account</a>');
  });

  it('shows each page of the menu that only informs, marked in the menu', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    for (const { path, title, body, link } of INFO_PAGES) {
      const page = await agent.get(path);
      expect(page.status, path).to.equal(200);
      expect(page.text, path).to.include(`<title>${title} – Karify</title>`).and.include(`<h1>${title}</h1>`).and.include(`<p>${body}</p>`);
      if (link) expect(page.text, `${path}: the link to where it is set`).to.include(link);
      expectMenu(page.text, path);
    }
  });

  it('leads from every link of the account menu to a page, none of them dead', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    for (const { href } of accountMenu((await agent.get('/account')).text)) {
      let res = await agent.get(href);
      // A change to sign-in security asks for a fresh confirmation first, which leads back.
      if (res.status === 302) {
        expect(res.headers.location, href).to.equal(`/account/bevestigen?terug=${encodeURIComponent(href)}`);
        res = await agent.get(res.headers.location as string);
      }
      expect(res.status, href).to.equal(200);
    }
  });

  it('sends the patient to the sign-in page after signing out', async () => {
    const { agent } = await signedInPatient(rt, { fresh: false });
    const out = await submitForm(agent, '/account', {}, '/uitloggen');
    expect(out.headers.location).to.equal('/inloggen');
    for (const path of ACCOUNT_PAGES) expect((await agent.get(path)).headers.location, path).to.equal('/inloggen');
  });
});
