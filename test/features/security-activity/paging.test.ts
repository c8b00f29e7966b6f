import { expect } from 'chai';
import type supertest from 'supertest';
import { pagerLink } from '../../support/pager';
import { signedInPatient } from '../../support/two-factor';
import { startTestRuntime, TestRuntime } from '../../support/runtime';
import { FIREFOX_LINUX } from '../../support/user-agents';
import { tableRows } from '../../support/tables';

const PAGE = '/account/beveiliging';

/** The descriptions in the activity table, top to bottom. */
function descriptions(html: string): string[] {
  return tableRows(html).map((cells) => cells[1]!);
}

/** The href of the pager's link with this text, or undefined. */
const link = (html: string, text: string) => pagerLink(html, "Pagina&#39;s met beveiligingsactiviteit", text);

describe('security activity page: paging back through more events than fit on a page', () => {
  let rt: TestRuntime;
  let patient: Awaited<ReturnType<typeof signedInPatient>>['patient'];
  let agent: supertest.Agent;
  beforeEach(async () => {
    rt = await startTestRuntime();
    ({ patient, agent } = await signedInPatient(rt));
    await rt.db('security_events').where({ user_id: patient.id }).delete();
  });
  afterEach(() => rt.close());

  const idsOf = async () => (await rt.db('security_events').where({ user_id: patient.id }).orderBy('id', 'desc').select('id')).map((r) => Number(r.id));

  /** A real change, then six lockouts' worth of wrong codes (ten each) from someone who knows the password. */
  async function changeBuriedUnderWrongCodes(): Promise<void> {
    await rt.services.audit.record(patient.id, 'phone_changed', { ip: '192.0.2.1' });
    rt.clock.advanceMinutes(1);
    for (let n = 0; n < 60; n += 1) await rt.services.audit.record(patient.id, 'second_step_failed', { ip: '203.0.113.9', userAgent: FIREFOX_LINUX }, { method: 'sms' });
  }

  it('shows the newest 50 and links to older events, so a change is not pushed out of sight by failed attempts', async () => {
    await changeBuriedUnderWrongCodes();
    const ids = await idsOf();
    const first = await agent.get(PAGE);
    expect(first.status).to.equal(200);
    expect(descriptions(first.text)).to.have.length(50);
    expect(first.text).not.to.include('Telefoonnummer voor inloggen gewijzigd');
    expect(link(first.text, 'Nieuwere activiteit')).to.equal(undefined);
    const older = link(first.text, 'Oudere activiteit');
    expect(older).to.equal(`${PAGE}?voor=${ids[49]}`);

    const second = await agent.get(older!);
    expect(second.status).to.equal(200);
    const rows = descriptions(second.text);
    expect(rows).to.have.length(11);
    expect(rows.at(-1)).to.equal('Telefoonnummer voor inloggen gewijzigd');
    expect(link(second.text, 'Oudere activiteit')).to.equal(undefined);
    expect(link(second.text, 'Nieuwere activiteit')).to.equal(PAGE);
  });

  it('steps back and forth one page at a time, every event on exactly one page, also those of the same moment', async () => {
    for (let n = 0; n < 121; n += 1) await rt.services.audit.record(patient.id, n % 3 ? 'sign_in_failed' : 'sign_in', { ip: '192.0.2.1' }, { method: 'password' });
    const ids = await idsOf();
    const pages = [PAGE];
    let html = (await agent.get(PAGE)).text;
    let total = descriptions(html).length;
    for (let next = link(html, 'Oudere activiteit'); next; next = link(html, 'Oudere activiteit')) {
      pages.push(next);
      html = (await agent.get(next)).text;
      total += descriptions(html).length;
    }
    expect(pages).to.deep.equal([PAGE, `${PAGE}?voor=${ids[49]}`, `${PAGE}?voor=${ids[99]}`]);
    expect(total, 'none twice, none left out').to.equal(121);
    for (let page = pages.length - 1; page > 0; page -= 1) {
      expect(link((await agent.get(pages[page]!)).text, 'Nieuwere activiteit'), `newer than page ${page + 1}`).to.equal(pages[page - 1]);
    }
  });

  it('shows the newest page for a page address that is not one, and never fails on it', async () => {
    await changeBuriedUnderWrongCodes();
    const ids = await idsOf();
    for (const query of ['voor=abc', 'voor=0', 'voor=-1', 'voor=1.5', 'voor[x]=1', `voor=${ids[3]}&voor=${ids[4]}`, 'voor=2147483648', `voor=${'7'.repeat(400)}`]) {
      const res = await agent.get(`${PAGE}?${query}`);
      expect(res.status, query).to.equal(200);
      expect(link(res.text, 'Oudere activiteit'), query).to.equal(`${PAGE}?voor=${ids[49]}`);
      expect(link(res.text, 'Nieuwere activiteit'), query).to.equal(undefined);
    }
  });

  it('says a page past the oldest event has none, with a way back, and does not say there is no activity', async () => {
    await changeBuriedUnderWrongCodes();
    const ids = await idsOf();
    const res = await agent.get(`${PAGE}?voor=${ids.at(-1)}`);
    expect(res.text).to.include('Op deze pagina staat geen activiteit.').and.not.include('Er is nog geen beveiligingsactiviteit');
    expect(res.text).not.to.include('<table');
    expect(link(res.text, 'Nieuwere activiteit'), 'the page of the oldest 50').to.equal(`${PAGE}?voor=${ids[10]}`);
  });
});
