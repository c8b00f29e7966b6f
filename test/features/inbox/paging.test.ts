import { expect } from 'chai';
import type supertest from 'supertest';
import { pagerLink } from '../../support/pager';
import { signedInPatient } from '../../support/two-factor';
import { startTestRuntime, TestRuntime } from '../../support/runtime';

const INBOX = '/berichten';

/** The ids of the messages on the page, top to bottom, and whether each is marked "Nieuw". */
function shown(html: string): { id: number; unread: boolean }[] {
  return [...html.matchAll(/<h2 id="message-(\d+)">(<strong>Nieuw<\/strong>)?/g)].map((m) => ({ id: Number(m[1]), unread: m[2] !== undefined }));
}

/** The href of the pager's link with this text, or undefined. */
const link = (html: string, text: string) => pagerLink(html, "Pagina&#39;s met berichten", text);

describe('inbox: paging back through more messages than fit on a page', () => {
  let rt: TestRuntime;
  let patient: Awaited<ReturnType<typeof signedInPatient>>['patient'];
  let agent: supertest.Agent;
  beforeEach(async () => {
    rt = await startTestRuntime();
    ({ patient, agent } = await signedInPatient(rt));
  });
  afterEach(() => rt.close());

  /** The ids of the patient's messages, newest first. */
  const idsOf = async (userId: number) => (await rt.db('messages').where({ user_id: userId }).orderBy('id', 'desc').select('id')).map((r) => Number(r.id));

  /** An earlier "password changed", then 53 "signed out everywhere" in the same moment, as a busy desk could send them. */
  async function fiftyFourMessages(): Promise<number[]> {
    await rt.services.messages.post(patient.id, 'password_changed');
    rt.clock.advanceMinutes(5);
    for (let n = 0; n < 53; n += 1) await rt.services.messages.post(patient.id, 'sessions_ended_by_clinic');
    return idsOf(patient.id);
  }

  it('shows the newest 50, says how many are new in all and how many are further back, and links to the older ones', async () => {
    const ids = await fiftyFourMessages();
    const first = await agent.get(INBOX);
    expect(first.status).to.equal(200);
    expect(shown(first.text).map((m) => m.id)).to.deep.equal(ids.slice(0, 50));
    expect(shown(first.text).every((m) => m.unread)).to.equal(true);
    expect(first.text).to.include('Je hebt 54 nieuwe berichten. Daarvan staan er 4 verderop, bij Oudere berichten.');
    expect(first.text).not.to.include('Je wachtwoord is gewijzigd');
    expect(link(first.text, 'Nieuwere berichten'), 'the newest page has no newer one').to.equal(undefined);

    const older = link(first.text, 'Oudere berichten');
    expect(older).to.equal(`${INBOX}?voor=${ids[49]}`);
    const second = await agent.get(older!);
    expect(second.status).to.equal(200);
    expect(shown(second.text)).to.deep.equal(ids.slice(50).map((id) => ({ id, unread: true })));
    expect(second.text).to.include('Je wachtwoord is gewijzigd');
    expect(second.text).to.include('Je hebt 4 nieuwe berichten.').and.not.include('verderop');
    expect(link(second.text, 'Oudere berichten'), 'nothing older').to.equal(undefined);
    expect(link(second.text, 'Nieuwere berichten')).to.equal(INBOX);
  });

  it('marks only the messages on the page read: the older ones stay new until their own page is shown', async () => {
    const ids = await fiftyFourMessages();
    const first = await agent.get(INBOX);
    expect(await rt.services.messages.countUnread(patient.id)).to.equal(4);
    const unread = (await rt.db('messages').where({ user_id: patient.id }).whereNull('read_at').orderBy('id', 'desc').select('id')).map((r) => Number(r.id));
    expect(unread).to.deep.equal(ids.slice(50));

    const again = await agent.get(INBOX);
    expect(shown(again.text).some((m) => m.unread), 'the first page is read now').to.equal(false);
    expect(again.text).to.include('Je hebt 4 nieuwe berichten. Daarvan staan er 4 verderop, bij Oudere berichten.');

    await agent.get(link(first.text, 'Oudere berichten')!);
    expect(await rt.services.messages.countUnread(patient.id)).to.equal(0);
  });

  it('steps back and forth one page at a time, every message on exactly one page', async () => {
    for (let n = 0; n < 120; n += 1) await rt.services.messages.post(patient.id, n % 2 ? 'phone_changed' : 'recovery_code_used', { remaining: 5 });
    const ids = await idsOf(patient.id);
    const pages: string[] = [INBOX];
    let html = (await agent.get(INBOX)).text;
    const seen = shown(html).map((m) => m.id);
    for (let next = link(html, 'Oudere berichten'); next; next = link(html, 'Oudere berichten')) {
      pages.push(next);
      html = (await agent.get(next)).text;
      seen.push(...shown(html).map((m) => m.id));
    }
    expect(pages).to.have.length(3);
    expect(seen, 'newest first, none twice, none left out').to.deep.equal(ids);

    // Back from the last page: each "newer" link leads to the page that came before it.
    for (let page = pages.length - 1; page > 0; page -= 1) {
      const newer = link((await agent.get(pages[page]!)).text, 'Nieuwere berichten');
      expect(newer, `newer than page ${page + 1}`).to.equal(pages[page - 1]);
    }
  });

  it('shows the newest page for a page address that is not one, and never fails on it', async () => {
    const ids = await fiftyFourMessages();
    const queries = ['voor=abc', 'voor=', 'voor=0', 'voor=-5', 'voor=1.5', 'voor=1e3', 'voor=%2012', 'voor=0x10', 'voor=%00', 'voor[a]=1',
      `voor=${ids[10]}&voor=${ids[20]}`, 'voor=2147483648', 'voor=99999999999999999999', `voor=${'9'.repeat(3000)}`, 'voor=2147483647'];
    for (const query of queries) {
      const res = await agent.get(`${INBOX}?${query}`);
      expect(res.status, query).to.equal(200);
      expect(shown(res.text).map((m) => m.id), query).to.deep.equal(ids.slice(0, 50));
      expect(link(res.text, 'Nieuwere berichten'), query).to.equal(undefined);
      expect(link(res.text, 'Oudere berichten'), query).to.equal(`${INBOX}?voor=${ids[49]}`);
    }
  });

  it('says a page past the oldest message has none, with a way back, and does not say the inbox is empty', async () => {
    const ids = await fiftyFourMessages();
    const res = await agent.get(`${INBOX}?voor=${ids.at(-1)}`);
    expect(res.status).to.equal(200);
    expect(shown(res.text)).to.deep.equal([]);
    expect(res.text).to.include('Op deze pagina staan geen berichten.').and.not.include('Je hebt geen berichten.');
    expect(link(res.text, 'Nieuwere berichten'), 'the page of the oldest 50').to.equal(`${INBOX}?voor=${ids[3]}`);
  });

  it("pages through the patient's own messages only, whatever id the address names", async () => {
    const other = await rt.createPatient();
    await rt.services.messages.post(patient.id, 'phone_changed');
    for (let n = 0; n < 60; n += 1) await rt.services.messages.post(other.id, 'password_changed');
    const [own] = await idsOf(patient.id);
    const [theirs] = await idsOf(other.id);
    const res = await agent.get(`${INBOX}?voor=${theirs}`);
    expect(shown(res.text).map((m) => m.id)).to.deep.equal([own]);
    expect(res.text).not.to.include('Je wachtwoord is gewijzigd');
    expect(link(res.text, 'Nieuwere berichten'), 'none of the patient\'s is newer').to.equal(undefined);
    expect(await rt.services.messages.countUnread(other.id)).to.equal(60);
  });
});
