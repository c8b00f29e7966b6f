import { expect } from 'chai';
import { describeUserAgent } from '../../src/domain/user-agent';

// Real User-Agent headers of current browsers.
const CASES: ReadonlyArray<readonly [string, string | null, string | null, string]> = [
  ['Chrome', 'Windows', 'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  ['Edge', 'Windows', 'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91'],
  ['Edge', 'Android', 'Edge on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.2210.84'],
  ['Firefox', 'Linux', 'Firefox on Linux',
    'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'],
  ['Firefox', 'Linux', 'Firefox on Ubuntu',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'],
  ['Firefox', 'macOS', 'Firefox on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.2; rv:121.0) Gecko/20100101 Firefox/121.0'],
  ['Safari', 'macOS', 'Safari on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15'],
  ['Safari', 'iPhone', 'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'],
  ['Safari', 'iPad', 'Safari on iPad',
    'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'],
  ['Chrome', 'iPhone', 'Chrome on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1'],
  ['Firefox', 'iPhone', 'Firefox on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15'],
  ['Chrome', 'Android', 'Chrome on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36'],
  ['Samsung Internet', 'Android', 'Samsung Internet on Android',
    'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36'],
  ['Opera', 'Windows', 'Opera on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0'],
  ['Opera', 'Windows', 'old Opera (Presto) on Windows',
    'Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18'],
  ['Chrome', 'ChromeOS', 'Chrome on ChromeOS',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  ['w3m', null, 'w3m',
    'w3m/0.5.3+git20230121'],
  ['Lynx', null, 'Lynx',
    'Lynx/2.9.0dev.12 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.8'],
  ['Links', 'Linux', 'Links on Linux',
    'Links (2.28; Linux 6.1.0-17-amd64 x86_64; GNU C 12.2; text)'],
];

describe('describeUserAgent', () => {
  for (const [browser, os, name, ua] of CASES) {
    it(`recognises ${name}`, () => {
      expect(describeUserAgent(ua)).to.deep.equal({ browser, os });
    });
  }

  it('still recognises the browser when the header was cut to the 120 characters audit.ts keeps', () => {
    for (const [browser, os, , ua] of CASES) {
      expect(describeUserAgent(ua.slice(0, 120)), ua).to.deep.equal({ browser, os });
    }
  });

  it('knows nothing about a missing or empty header', () => {
    expect(describeUserAgent(null)).to.deep.equal({ browser: null, os: null });
    expect(describeUserAgent('')).to.deep.equal({ browser: null, os: null });
    expect(describeUserAgent('   ')).to.deep.equal({ browser: null, os: null });
  });

  it('leaves out what it does not recognise', () => {
    expect(describeUserAgent('curl/8.5.0')).to.deep.equal({ browser: null, os: null });
    expect(describeUserAgent('SomeBot/1.0 (Windows NT 10.0)')).to.deep.equal({ browser: null, os: 'Windows' });
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)'))
      .to.deep.equal({ browser: null, os: 'Windows' });
  });
});
