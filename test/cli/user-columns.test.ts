import { expect } from 'chai';
import { passwordColumn } from '../../src/cli/user-columns';

describe('the Password column of list-users and list-staff', () => {
  const NOW = Date.UTC(2026, 11, 6, 12, 0);
  const column = (called: 'one-time' | 'temporary') => passwordColumn('Europe/Amsterdam', NOW, called);

  it('says "own", or the one-time password and until when it works, or since when it does not', () => {
    expect(column('temporary').value({ oneTimePasswordUntil: null })).to.equal('own');
    expect(column('temporary').value({ oneTimePasswordUntil: NOW + 1 })).to.equal('temporary, until 2026-12-06 13:00');
    expect(column('one-time').value({ oneTimePasswordUntil: NOW })).to.equal('one-time, expired 2026-12-06 13:00');
  });
});
