import { expect } from 'chai';
import { countryName, listCountries, maskedPhoneEnds, maskPhoneNumber, parseMobileNumber } from '../../src/domain/phone-numbers';

const NL_BE = ['NL', 'BE'];

describe('phone numbers', () => {
  describe('parseMobileNumber', () => {
    // Also as pasted from a letter or a contact card: an en dash, a non-breaking hyphen or space, full-width digits,
    // Arabic-Indic or Persian digits (an Arabic keyboard), a zero-width space or direction marks copied along.
    for (const input of [
      '06 1234 5678', '0612345678', '+31 6 12345678', '0031612345678', '(06)-12.34.56.78', '06\u201312345678', '06\u201112345678', '06\u00a012345678',
      '\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18', '\uff0b31\u2009612345678',
      '\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668', '\u200f+\u06f3\u06f1 \u06f6 \u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u200f', '+31\u200b612345678', '\ufeff06\u00ad12345678',
    ]) {
      it(`reads the Dutch mobile number "${input}" as +31612345678`, () => {
        expect(parseMobileNumber(input, 'NL', NL_BE)).to.deep.equal({ ok: true, e164: '+31612345678', country: 'NL' });
      });
    }

    it('reads a Belgian mobile number in national form', () => {
      expect(parseMobileNumber('0470 12 34 56', 'BE', NL_BE)).to.deep.equal({ ok: true, e164: '+32470123456', country: 'BE' });
    });

    it("takes the number's own country when it starts with + or 00", () => {
      expect(parseMobileNumber('+32 470 12 34 56', 'NL', NL_BE)).to.deep.equal({ ok: true, e164: '+32470123456', country: 'BE' });
      expect(parseMobileNumber('0032470123456', 'NL', NL_BE)).to.deep.include({ ok: true, country: 'BE' });
    });

    it('refuses a Dutch fixed line as not mobile', () => {
      expect(parseMobileNumber('030 737 0323', 'NL', NL_BE)).to.deep.equal({ ok: false, error: 'not_mobile' });
    });

    it('names the other allowed country whose mobile number it is when Land was left on another', () => {
      expect(parseMobileNumber('0470 12 34 56', 'NL', NL_BE)).to.deep.equal({ ok: false, error: 'other_country', country: 'BE' });
      expect(parseMobileNumber('06 12345678', 'BE', NL_BE)).to.deep.equal({ ok: false, error: 'other_country', country: 'NL' });
      expect(parseMobileNumber('0470 12 34 56', 'NL', ['NL']), 'not when SMS cannot go there').to.deep.equal({ ok: false, error: 'invalid' });
      const fixedLine = parseMobileNumber('030 737 0323', 'BE', NL_BE);
      expect(fixedLine.ok || fixedLine.error, 'not for a fixed line').to.be.oneOf(['invalid', 'not_mobile']);
    });

    it('refuses a valid German mobile number when only NL and BE are allowed', () => {
      expect(parseMobileNumber('+49 1512 3456789', 'NL', NL_BE)).to.deep.equal({ ok: false, error: 'country_not_allowed' });
      expect(parseMobileNumber('01512 3456789', 'DE', NL_BE)).to.deep.equal({ ok: false, error: 'country_not_allowed' });
      expect(parseMobileNumber('01512 3456789', 'DE', ['DE'])).to.deep.equal({ ok: true, e164: '+4915123456789', country: 'DE' });
    });

    it('calls garbage and wrong lengths invalid', () => {
      for (const input of ['hallo', '06-1234-567a', '061234', '06123456789', '+', '06 1234 5678 ext 5']) {
        expect(parseMobileNumber(input, 'NL', NL_BE), input).to.deep.equal({ ok: false, error: 'invalid' });
      }
    });

    it('asks for a number when nothing was typed', () => {
      expect(parseMobileNumber('', 'NL', NL_BE)).to.deep.equal({ ok: false, error: 'required' });
      expect(parseMobileNumber('   ', 'NL', NL_BE)).to.deep.equal({ ok: false, error: 'required' });
    });

    it('refuses a country code it does not know for a national number', () => {
      expect(parseMobileNumber('0612345678', 'XX', NL_BE)).to.deep.equal({ ok: false, error: 'unknown_country' });
    });
  });

  describe('maskPhoneNumber', () => {
    it('shows the calling code, the first national digit and the last two digits only', () => {
      expect(maskPhoneNumber('+31612345612')).to.equal('+31 6 ••••••12');
      expect(maskPhoneNumber('+32470123456')).to.equal('+32 4 ••••••56');
      expect(maskPhoneNumber('+4915123456789')).to.equal('+49 1 ••••••••89');
    });

    it('never shows the middle digits', () => {
      const masked = maskPhoneNumber('+31698765432');
      expect(masked.replace(/\D/g, '')).to.equal('31632');
    });
  });

  describe('maskedPhoneEnds', () => {
    it('gives what a masked number shows before and after its bullets, for a screen reader to say', () => {
      expect(maskedPhoneEnds(maskPhoneNumber('+31612345612'))).to.deep.equal({ start: '+31 6', end: '12' });
      expect(maskedPhoneEnds(maskPhoneNumber('+4915123456789'))).to.deep.equal({ start: '+49 1', end: '89' });
    });

    it('gives no start when only the last digits show, and nothing when no digit shows', () => {
      expect(maskedPhoneEnds(maskPhoneNumber('+999123456'))).to.deep.equal({ start: '', end: '56' });
      expect(maskedPhoneEnds(maskPhoneNumber('+1'))).to.equal(null);
    });
  });

  describe('listCountries', () => {
    it('starts with Nederland and België, then the rest by Dutch name', () => {
      const countries = listCountries();
      expect(countries[0]).to.deep.equal({ code: 'NL', name: 'Nederland', callingCode: '31' });
      expect(countries[1]).to.deep.equal({ code: 'BE', name: 'België', callingCode: '32' });
      const rest = countries.slice(2).map((c) => c.name);
      expect(rest).to.deep.equal([...rest].sort((a, b) => a.localeCompare(b, 'nl')));
      expect(countries.find((c) => c.code === 'DE')?.name).to.equal('Duitsland');
      expect(countries.length).to.be.greaterThan(200);
      expect(new Set(countries.map((c) => c.code)).size).to.equal(countries.length);
    });

    it('names the countries in the language asked for, with the same order rule', () => {
      const countries = listCountries('en-GB');
      expect(countries.slice(0, 2).map((c) => c.name)).to.deep.equal(['Netherlands', 'Belgium']);
      expect(countries.find((c) => c.code === 'DE')?.name).to.equal('Germany');
      const rest = countries.slice(2).map((c) => c.name);
      expect(rest).to.deep.equal([...rest].sort((a, b) => a.localeCompare(b, 'en-GB')));
      expect(countries.map((c) => c.code).sort()).to.deep.equal(listCountries().map((c) => c.code).sort());
      expect(listCountries()[0]!.name, 'the Dutch list is not changed by the English one').to.equal('Nederland');
    });

    it('gives one country name by code, in a language', () => {
      expect(countryName('BE')).to.equal('België');
      expect(countryName('BE', 'en-GB')).to.equal('Belgium');
      expect(countryName('XX', 'en-GB')).to.equal('XX');
    });
  });
});
