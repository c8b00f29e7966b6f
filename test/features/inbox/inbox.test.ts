import { expect } from 'chai';
import type { InboxMessage, MessageKind } from '../../../src/domain/messages';
import { describeMessage, MESSAGE_TEXTS } from '../../../src/features/inbox/controller';
import { createTranslator } from '../../../src/i18n';
import { createDateTimeFormatter } from '../../../src/i18n/format';
import { paths } from '../../../src/paths';
import { signedInPatient } from '../../support/two-factor';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { unionMembers } from '../../support/source-types';

const INBOX = '/berichten';
const NOT_YOU = 'Was jij dit niet? Wijzig dan direct je wachtwoord en bel de helpdesk via 030 – 737 0323.';


/** The messages on the page: heading text and the paragraphs under it. */
function articles(html: string): { heading: string; paragraphs: string[] }[] {
  const strip = (s: string) => s.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  return [...html.matchAll(/<article[^>]*>([\s\S]*?)<\/article>/g)].map((a) => ({
    heading: strip(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(a[1]!)?.[1] ?? ''),
    paragraphs: [...a[1]!.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map((p) => strip(p[1]!)),
  }));
}

describe('inbox: message texts', () => {
  const t = createTranslator();
  const formatter = createDateTimeFormatter('nl-NL', 'Europe/Amsterdam');
  const format = { t, formatDate: formatter.date, formatTime: formatter.time };
  const at = Date.UTC(2021, 1, 9, 12, 15); // 9 February 2021, 13:15 in Amsterdam
  const message = (kind: MessageKind, params: InboxMessage['params'] = {}): InboxMessage =>
    ({ id: 1, kind, params, createdAt: at, readAt: null });
  const allKinds = unionMembers('src/domain/messages.ts', 'MessageKind') as MessageKind[];

  it('knows every MessageKind declared in src/domain/messages.ts, and no other', () => {
    expect(allKinds).to.include.members(['phone_changed', 'recovery_code_used', 'totp_replay_refused']);
    expect(Object.keys(MESSAGE_TEXTS)).to.have.members(allKinds);
  });

  it('has a Dutch subject, body and "was jij dit niet?" advice for every kind, with and without params', () => {
    const paramSets: InboxMessage['params'][] = [
      {}, { remaining: 7 }, { remaining: 2 }, { remaining: 0 }, { phone: '+31 6 ••••••12' }, { until: at + 15 * 60_000 }, { method: 'sms' }, { purpose: 'confirm' },
    ];
    const subjects = new Set<string>();
    for (const kind of allKinds) {
      for (const params of paramSets) {
        const view = describeMessage(message(kind, params), format);
        for (const text of [view.subject, view.body, view.action]) {
          expect(text, `${kind} ${JSON.stringify(params)}`).to.be.a('string').and.not.match(/inbox\.|\{\{|returned an object|^$/);
        }
        expect(view.body, kind).to.include('9 februari 2021 om 13:15');
        // Every security change asks whether it was the patient; a handled question offers more help.
        if (kind === 'question_handled') expect(view.action, kind).to.match(/^Heb je nog een vraag\?/);
        else expect(view.action, kind).to.match(/^(Was jij dit niet\?|Heb jij hier niet om gevraagd\?)/);
        expect(view.action, kind).to.include('helpdesk via 030 – 737 0323');
        subjects.add(view.subject);
      }
    }
    expect(subjects.size, 'every kind has its own subject').to.equal(allKinds.length);
  });

  it('says of a used app code refused while confirming a change that it was no sign-in', () => {
    expect(describeMessage(message('totp_replay_refused', { purpose: 'sign_in', method: 'totp' }), format).body).to.include('probeerde iemand in te loggen');
    const confirming = describeMessage(message('totp_replay_refused', { purpose: 'confirm', method: 'totp' }), format).body;
    expect(confirming).to.include('een wijziging in je account willen bevestigen').and.not.include('in te loggen');
  });

  it('says how many recovery codes are left, and urges new ones when few are left', () => {
    expect(describeMessage(message('recovery_code_used', { remaining: 7 }), format).body).to.equal(
      'Er is op 9 februari 2021 om 13:15 een van je herstelcodes gebruikt. Je hebt er nog 7 over.');
    expect(describeMessage(message('recovery_code_used', { remaining: 2 }), format).body)
      .to.include('Je hebt er nog maar 2 over. Maak nieuwe herstelcodes via Mijn account.');
    expect(describeMessage(message('recovery_code_used', { remaining: 0 }), format).body)
      .to.include('Je hebt nu geen herstelcodes meer.');
    expect(describeMessage(message('recovery_code_used', { remaining: 'veel' }), format).body)
      .to.equal('Er is op 9 februari 2021 om 13:15 een van je herstelcodes gebruikt. Die code werkt nu niet meer.');
  });

  it('fills in the optional details a message carries', () => {
    expect(describeMessage(message('phone_changed', { phone: '+31 6 ••••••34' }), format).body).to.include('De codes gaan nu naar +31 6 ••••••34.');
    expect(describeMessage(message('second_step_locked', { until: at + 15 * 60_000 }), format).body).to.include('tot 13:30 niet inloggen');
    expect(describeMessage(message('method_switched', { method: 'sms' }), format).body).to.include('Je krijgt de code nu via een SMS.');
    expect(describeMessage(message('method_switched', { method: 'fax' }), format).body).not.to.include('via');
  });

  it('tells a patient whose passkey turned two-step on how they sign in now, not that they enter a code', () => {
    expect(describeMessage(message('two_factor_enabled', { method: 'passkey' }), format).body).to.equal(
      'Op 9 februari 2021 om 13:15 is authenticatie in twee stappen ingeschakeld voor je account. Voortaan log je in met je toegangssleutel. ' +
        'Log je in met je wachtwoord? Dan gebruik je daarna ook je toegangssleutel of een herstelcode.');
    const en = createTranslator('en');
    expect(describeMessage(message('two_factor_enabled', { method: 'passkey' }), { ...format, t: en }).body).to.include('From now on, you sign in with your passkey.');
    for (const method of ['sms', 'totp'] as const) {
      expect(describeMessage(message('two_factor_enabled', { method }), format).body, method).to.include('Voortaan vul je bij het inloggen ook een code in.');
    }
  });

  it('marks a message unread until it has been read', () => {
    expect(describeMessage(message('phone_changed'), format).unread).to.equal(true);
    expect(describeMessage({ ...message('phone_changed'), readAt: at }, format).unread).to.equal(false);
  });
});

describe('inbox page (J6 "Berichten")', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('is only for signed-in patients', async () => {
    const res = await rt.agent().get(INBOX);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/inloggen');
  });

  it('says so when there are no messages', async () => {
    const { agent } = await signedInPatient(rt);
    const res = await agent.get(INBOX);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<title>Berichten – Karify</title>');
    expect(res.text).to.include('<h1>Berichten</h1>');
    expect(res.text).to.include('Je hebt geen berichten.');
    expect(res.text).not.to.include('<article');
  });

  it("lists the patient's own messages newest first, with subject, date and time, text and advice", async () => {
    const { patient, agent } = await signedInPatient(rt);
    const other = await rt.createPatient();
    await rt.services.messages.post(patient.id, 'phone_changed');
    rt.clock.advanceMinutes(10);
    await rt.services.messages.post(patient.id, 'recovery_code_used', { remaining: 7 });
    await rt.services.messages.post(other.id, 'password_changed');

    const res = await agent.get(INBOX);
    expect(res.status).to.equal(200);
    const list = articles(res.text);
    expect(list).to.have.length(2);
    expect(list[0]!.heading).to.equal('Nieuw: Er is een herstelcode gebruikt');
    expect(list[0]!.paragraphs).to.deep.equal([
      '25 november 2026 om 14:10',
      'Er is op 25 november 2026 om 14:10 een van je herstelcodes gebruikt. Je hebt er nog 7 over.',
      NOT_YOU,
    ]);
    expect(list[1]!.heading).to.equal('Nieuw: Je telefoonnummer is gewijzigd');
    expect(list[1]!.paragraphs[2]).to.equal(NOT_YOU);
    expect(res.text).to.include('<time datetime="2026-11-25T13:10:00.000Z">');
    expect(res.text).to.include('Je hebt 2 nieuwe berichten.');
    expect(res.text).not.to.include('Je wachtwoord is gewijzigd'); // the other patient's
    expect(res.text).not.to.match(/<script|style=/);
  });

  it('shows unread messages as "Nieuw" once, then marks them read', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.messages.post(patient.id, 'two_factor_enabled');
    expect(await rt.services.messages.countUnread(patient.id)).to.equal(1);

    const first = await agent.get(INBOX);
    expect(first.text).to.match(/<h2 id="message-\d+"><strong>Nieuw<\/strong>/);
    expect(first.text).to.include('Je hebt 1 nieuw bericht.');
    expect(await rt.services.messages.countUnread(patient.id)).to.equal(0);

    rt.clock.advanceMinutes(1);
    await rt.services.messages.post(patient.id, 'two_factor_disabled');
    const list = articles((await agent.get(INBOX)).text);
    expect(list.map((a) => a.heading)).to.deep.equal([
      'Nieuw: Authenticatie in twee stappen is uitgeschakeld',
      'Authenticatie in twee stappen is ingeschakeld',
    ]);
    expect(articles((await agent.get(INBOX)).text).map((a) => a.heading)).to.deep.equal([
      'Authenticatie in twee stappen is uitgeschakeld',
      'Authenticatie in twee stappen is ingeschakeld',
    ]);
  });

  it('marks only the reader\'s own messages read', async () => {
    const { patient, agent } = await signedInPatient(rt);
    const other = await rt.createPatient();
    await rt.services.messages.post(patient.id, 'phone_changed');
    await rt.services.messages.post(other.id, 'phone_changed');
    await agent.get(INBOX);
    expect(await rt.services.messages.countUnread(patient.id)).to.equal(0);
    expect(await rt.services.messages.countUnread(other.id)).to.equal(1);
  });

  it('escapes what a message carries', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.messages.post(patient.id, 'phone_changed', { phone: '<script>alert(1)</script>' });
    const res = await agent.get(INBOX);
    expect(res.text).not.to.include('<script>alert(1)</script>');
    expect(res.text).to.include('De codes gaan nu naar &lt;script&gt;alert(1)&lt;/script&gt;.');
  });

  it('says the new number\'s ends in words to screen readers, not six bullets; in English too', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.messages.post(patient.id, 'phone_changed', { phone: '+31 6 ••••••34' });
    expect((await agent.get(INBOX)).text).to.include(
      'De codes gaan nu naar <span class="masked-phone-bullets" aria-hidden="true">+31 6 ••••••34</span><span class="masked-phone-words"> +31 6, eindigend op 34</span>.</p>');
    await agent.get(paths.languageFrom('en', INBOX));
    expect((await agent.get(INBOX)).text).to.include(
      '<span class="masked-phone-bullets" aria-hidden="true">+31 6 ••••••34</span><span class="masked-phone-words"> +31 6, ending in 34</span>.</p>');
  });

  it('shows every kind of message in Dutch', async () => {
    const { patient, agent } = await signedInPatient(rt);
    const kinds = unionMembers('src/domain/messages.ts', 'MessageKind') as MessageKind[];
    for (const kind of kinds) await rt.services.messages.post(patient.id, kind, { remaining: 4, until: rt.clock.now(), method: 'sms' });
    const list = articles((await agent.get(INBOX)).text);
    expect(list).to.have.length(kinds.length);
    for (const a of list) {
      expect(a.heading).to.match(/^Nieuw: [A-Z]/);
      expect(a.paragraphs).to.have.length(3);
      expect(a.paragraphs.join(' ')).not.to.match(/inbox\.|\{\{|_/);
    }
  });

  it('shows the announcement the security notifier posts with a change', async () => {
    const { patient, agent } = await signedInPatient(rt);
    await rt.services.notifier.notify(patient.id, 'recovery_code_used', { ip: '192.0.2.1' }, { remaining: 2 });
    const [message] = articles((await agent.get(INBOX)).text);
    expect(message!.heading).to.equal('Nieuw: Er is een herstelcode gebruikt');
    expect(message!.paragraphs[1]).to.include('Je hebt er nog maar 2 over.');
  });
});
