import { expect } from 'chai';
import { clientNetwork } from '../../src/domain/client-network';

describe('clientNetwork (what the per-IP limits count)', () => {
  it('is an IPv4 address itself, also when it comes IPv4-mapped', () => {
    expect(clientNetwork('198.51.100.7')).to.equal('198.51.100.7');
    expect(clientNetwork('::ffff:198.51.100.7')).to.equal('198.51.100.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const network = '2001:db8:7:42::/64';
    expect(clientNetwork('2001:db8:7:42::1')).to.equal(network);
    expect(clientNetwork('2001:0db8:0007:0042:ffff:1:2:3')).to.equal(network);
    expect(clientNetwork('2001:DB8:7:42:a::b')).to.equal(network);
    expect(clientNetwork('2001:db8:7:43::1')).to.not.equal(network);
  });

  it('is "unknown" for what is not an address', () => {
    for (const input of [undefined, '', 'unknown', '999.1.1.1', 'not-an-ip']) expect(clientNetwork(input), String(input)).to.equal('unknown');
  });
});
