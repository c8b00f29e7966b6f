import { expect } from 'chai';
import { safeReturnPath } from '../../../src/features/fresh-confirmation/validation';

describe('fresh confirmation: the page it leads back to (?terug=)', () => {
  it('is an account page of this site', () => {
    for (const path of ['/account/wachtwoord', '/account/twee-stappen/telefoonnummer', '/account/twee-stappen/toegangssleutels/3/verwijderen']) {
      expect(safeReturnPath(path), path).to.equal(path);
    }
  });

  it('is the two-step overview for anything else: another site, another part of this one, a path that could be read as a host', () => {
    const refused = [
      undefined, ['/account/wachtwoord'], '', '/account', '/accounts/x', '/werkblad', '/balie/patienten',
      '//evil.example', 'https://evil.example/account/x', '/account/../balie', '/account/x?y=1', '/account\\x', '/account/\t/x', '/account/%2e%2e',
    ];
    for (const value of refused) expect(safeReturnPath(value), JSON.stringify(value)).to.equal('/account/twee-stappen');
  });
});
