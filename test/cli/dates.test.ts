import { expect } from 'chai';
import { zonedDateTimeFormatter } from '../../src/cli/dates';

describe('admin command dates', () => {
  it('say the time zone in a sentence: winter and summer time of the clinic, or another zone', () => {
    const amsterdam = zonedDateTimeFormatter('Europe/Amsterdam');
    expect(amsterdam(Date.UTC(2026, 11, 14, 9, 0))).to.equal('2026-12-14 10:00 CET');
    expect(amsterdam(Date.UTC(2026, 6, 14, 9, 0))).to.equal('2026-07-14 11:00 CEST');
    expect(zonedDateTimeFormatter('UTC')(Date.UTC(2026, 11, 14, 9, 0))).to.equal('2026-12-14 09:00 UTC');
  });
});
