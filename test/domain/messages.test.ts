import { expect } from 'chai';
import { pageOf, PAGE_SIZE } from '../../src/components/paging/newest-first';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

describe('message store: pages of the inbox, what is unread, what is marked read', () => {
  let rt: TestRuntime;
  let patient: number;
  let other: number;
  beforeEach(async () => {
    rt = await startTestRuntime();
    patient = (await rt.createPatient()).id;
    other = (await rt.createPatient()).id;
  });
  afterEach(() => rt.close());

  const messages = () => rt.services.messages;
  /** Posts `count` messages in one moment, alternating with one for the other patient; the patient's ids, newest first. */
  async function postMany(count: number): Promise<number[]> {
    for (let n = 0; n < count; n += 1) {
      await messages().post(patient, 'phone_changed', { n });
      await messages().post(other, 'password_changed');
    }
    return (await messages().listForUser(patient, 1000)).map((m) => m.id);
  }

  it('lists newest first by the order of posting, also within one moment, and only those older than a given message', async () => {
    const ids = await postMany(5);
    const all = await messages().listForUser(patient, 1000);
    expect(all.map((m) => m.params.n)).to.deep.equal([4, 3, 2, 1, 0]);
    expect(new Set(all.map((m) => m.createdAt)).size, 'all in the same moment').to.equal(1);
    expect((await messages().listForUser(patient, 2, ids[1])).map((m) => m.params.n)).to.deep.equal([2, 1]);
    expect(await messages().listForUser(patient, 10, ids.at(-1))).to.deep.equal([]);
  });

  it('gives the ids from a message on, oldest first, only the patient\'s own', async () => {
    const ids = await postMany(5);
    expect(await messages().newerIds(patient, ids[2]!, 10)).to.deep.equal([ids[2], ids[1], ids[0]]);
    expect(await messages().newerIds(patient, ids[3]!, 1)).to.deep.equal([ids[3]]);
    expect(await messages().newerIds(patient, ids[0]! + 1, 10)).to.deep.equal([]);
  });

  it('marks only the given messages read, only the reader\'s own, and counts what is unread in all or further back', async () => {
    const ids = await postMany(4);
    const theirs = (await messages().listForUser(other)).map((m) => m.id);
    await messages().markRead(patient, [ids[0]!, ids[2]!, theirs[0]!]);
    const read = (await messages().listForUser(patient)).map((m) => m.readAt !== null);
    expect(read).to.deep.equal([true, false, true, false]);
    expect(await messages().countUnread(other), 'another patient\'s id in the list').to.equal(4);
    expect(await messages().countUnread(patient)).to.equal(2);
    expect(await messages().countUnread(patient, ids[1])).to.equal(1);
    await messages().markRead(patient, []);
    expect(await messages().countUnread(patient)).to.equal(2);
  });

  it('is paged by the shared newest-first paging: every message once, with links both ways', async () => {
    const ids = await postMany(2 * PAGE_SIZE + 3);
    const source = {
      list: (limit: number, before?: number) => messages().listForUser(patient, limit, before),
      newerIds: (from: number, limit: number) => messages().newerIds(patient, from, limit),
      path: '/berichten',
    };
    const seen: number[] = [];
    const paths: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await pageOf(source, cursor);
      seen.push(...page.rows.map((m) => m.id));
      paths.push(page.newerPath ?? '(newest)');
      if (!page.olderPath) break;
      cursor = page.olderPath.split('=')[1];
    }
    expect(seen).to.deep.equal(ids);
    expect(paths).to.deep.equal(['(newest)', '/berichten', `/berichten?voor=${ids[PAGE_SIZE - 1]}`]);

    // Beyond what the id column holds (on PostgreSQL a query with it would fail): the newest page.
    for (const cursor of ['2147483648', '9999999999', '99999999999999999999']) {
      const page = await pageOf(source, cursor);
      expect(page.rows.map((m) => m.id), cursor).to.deep.equal(ids.slice(0, PAGE_SIZE));
      expect(page.newerPath, cursor).to.equal(null);
    }
  });
});
