import { expect } from 'chai';
import type { Request } from 'express';
import type { AccountStores, InTransaction } from '../../../src/domain/account-stores';
import type { UserStore } from '../../../src/domain/users';
import type { AuthLevels } from '../../../src/http/auth-level';
import { createAnnounce } from '../../../src/features/two-factor-manage/announce';

/** The change, its announcement and the end of the other sessions, with the stores and levels faked. */
describe('managing two-step: announcing a change', () => {
  let done: string[];
  let announce: ReturnType<typeof createAnnounce>;
  const req = { user: { id: 7 }, ip: '192.0.2.1', get: () => 'Firefox' } as unknown as Request;

  beforeEach(() => {
    done = [];
    const stores = { notifier: { notify: async (userId: number, type: string, _origin: unknown, details: unknown) => void done.push(`notify ${userId} ${type} ${JSON.stringify(details)}`) } } as unknown as AccountStores;
    const inTransaction: InTransaction = (work) => work(stores);
    const auth = { endOtherSessions: async () => void done.push('end other sessions') } as unknown as AuthLevels;
    announce = createAnnounce({ inTransaction, users: {} as UserStore, auth });
  });

  it('announces a change and ends the other sessions, with what the change adds to its record', async () => {
    expect(await announce(req, 'two_factor_disabled', async () => ({ details: { removed: 'passkeys' } }))).to.equal(true);
    expect(done).to.deep.equal(['notify 7 two_factor_disabled {"removed":"passkeys"}', 'end other sessions']);
  });

  it('tells the patient nothing and ends no session when nothing changed (turned off already, at the same moment)', async () => {
    expect(await announce(req, 'two_factor_disabled', async () => false)).to.equal(false);
    expect(done).to.deep.equal([]);
  });
});
