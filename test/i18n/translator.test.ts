import { expect } from 'chai';
import { createTranslators, type MissingTranslation } from '../../src/i18n';

// The i18next set-up of src/i18n with the real locale files: what the templates and controllers rely on.
describe('translate functions (i18next)', () => {
  const missing: MissingTranslation[] = [];
  const t = createTranslators({ onMissing: (m) => missing.push(m) });
  const en = t.en;
  beforeEach(() => {
    missing.length = 0;
  });

  it('has Dutch and English, and finds nested keys in each', () => {
    expect(Object.keys(t)).to.have.members(['nl', 'en']);
    expect(t.nl('signIn.title')).to.equal('Inloggen');
    expect(en('signIn.title')).to.equal('Sign in');
    expect(missing).to.deep.equal([]);
  });

  it('fills in variables without escaping them (the templates escape their output)', () => {
    expect(t.nl('dates.at', { date: '9 februari 2021', time: '13:15' })).to.equal('9 februari 2021 om 13:15');
    expect(t.nl('dates.at', { date: '<b>&"</b>', time: "'" })).to.equal('<b>&"</b> om \'');
    expect(missing).to.deep.equal([]);
  });

  it('chooses the plural form by count, as each language counts', () => {
    expect(t.nl('inbox.unread', { count: 1 })).to.equal('Je hebt 1 nieuw bericht.');
    expect(t.nl('inbox.unread', { count: 0 })).to.equal('Je hebt 0 nieuwe berichten.');
    expect(en('inbox.unread', { count: 1 })).to.equal('You have 1 new message.');
    expect(en('inbox.unread', { count: 3 })).to.equal('You have 3 new messages.');
  });

  it('takes the first key of a list that exists', () => {
    expect(t.nl(['activity.eventVariants.sign_in_failed.nothing', 'securityEvents.events.sign_in_failed'])).to.equal('Inloggen mislukt (verkeerd wachtwoord)');
    expect(missing, 'a list with a key that exists is no missing key').to.deep.equal([]);
  });

  it('gives a string of another language with lng', () => {
    expect(t.nl('language.name', { lng: 'en' })).to.equal('English');
    expect(en('language.name', { lng: 'nl' })).to.equal('Nederlands');
  });

  it('reports a missing key and gives the default value, or else the key', () => {
    expect(t.nl('nowhere.to.be.found', { defaultValue: 'standaard' })).to.equal('standaard');
    expect(en('nowhere.either')).to.equal('nowhere.either');
    expect(t.nl(['nowhere.first', 'nowhere.last'])).to.equal('nowhere.last');
    expect(missing).to.deep.equal([
      { language: 'nl', key: 'nowhere.to.be.found' },
      { language: 'en', key: 'nowhere.either' },
      { language: 'nl', key: 'nowhere.last' },
    ]);
  });

  it('reports a variable that was not given and leaves it empty, without the text (it may hold personal data)', () => {
    expect(t.nl('dates.at', { date: '9 februari 2021' })).to.equal('9 februari 2021 om ');
    expect(missing).to.deep.equal([{ variable: 'time' }]);
  });

  it('reports a key that names a group of strings instead of one, and shows the key', () => {
    expect(t.nl('signIn')).to.equal('signIn');
    expect(missing).to.deep.equal([{ key: 'signIn' }]);
  });

  it('gives the same text for a key asked again, and reports what is missing at every use', () => {
    expect([t.nl('signIn.title'), t.nl('signIn.title'), en('signIn.title'), en('signIn.title')]).to.deep.equal(['Inloggen', 'Inloggen', 'Sign in', 'Sign in']);
    expect([en('nowhere.again'), en('nowhere.again')]).to.deep.equal(['nowhere.again', 'nowhere.again']);
    expect([t.nl('signIn'), t.nl('signIn')]).to.deep.equal(['signIn', 'signIn']);
    expect([t.nl('dates.at'), t.nl('dates.at')]).to.deep.equal([' om ', ' om ']);
    expect(missing).to.deep.equal([
      { language: 'en', key: 'nowhere.again' },
      { language: 'en', key: 'nowhere.again' },
      { key: 'signIn' },
      { key: 'signIn' },
      { variable: 'date' },
      { variable: 'time' },
      { variable: 'date' },
      { variable: 'time' },
    ]);
  });
});
