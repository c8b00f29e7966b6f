import { expect } from 'chai';
import { createTranslateFunctions } from '../../src/i18n/translator';

describe('translator', () => {
  const t = createTranslateFunctions(
    {
      nl: {
        locale: 'nl-NL',
        strings: {
          page: { title: 'Inloggen', greeting: 'Hallo {{name}}, het is {{ time }}.' },
          unread_one: 'Je hebt 1 nieuw bericht.',
          unread_other: 'Je hebt {{count}} nieuwe berichten.',
          onlyDutch: 'Alleen in het Nederlands',
          language: { name: 'Nederlands' },
        },
      },
      en: {
        locale: 'en-GB',
        strings: {
          page: { title: 'Sign in', greeting: 'Hello {{name}}, it is {{time}}.' },
          unread_one: 'You have 1 new message.',
          unread_other: 'You have {{count}} new messages.',
          language: { name: 'English' },
        },
      },
    },
    'nl',
  );

  it('finds nested keys in each language', () => {
    expect(t.nl('page.title')).to.equal('Inloggen');
    expect(t.en('page.title')).to.equal('Sign in');
  });

  it('fills in variables, with or without spaces inside the braces, and leaves a missing one empty', () => {
    expect(t.nl('page.greeting', { name: 'Cas', time: '13:15' })).to.equal('Hallo Cas, het is 13:15.');
    expect(t.en('page.greeting', { name: 'Cas' })).to.equal('Hello Cas, it is .');
  });

  it('chooses the plural form by count, as the language counts', () => {
    expect(t.nl('unread', { count: 1 })).to.equal('Je hebt 1 nieuw bericht.');
    expect(t.nl('unread', { count: 0 })).to.equal('Je hebt 0 nieuwe berichten.');
    expect(t.en('unread', { count: 3 })).to.equal('You have 3 new messages.');
  });

  it('falls back to Dutch for a key missing in English, then to the default value, then to the key', () => {
    expect(t.en('onlyDutch')).to.equal('Alleen in het Nederlands');
    expect(t.en('nowhere', { defaultValue: '' })).to.equal('');
    expect(t.en('nowhere')).to.equal('nowhere');
  });

  it('takes the first key of a list that exists', () => {
    expect(t.nl(['nowhere', 'page.title'])).to.equal('Inloggen');
    expect(t.nl(['nowhere', 'also.nowhere'])).to.equal('also.nowhere');
  });

  it('gives a string of another language with lng', () => {
    expect(t.nl('language.name', { lng: 'en' })).to.equal('English');
    expect(t.en('language.name', { lng: 'nl' })).to.equal('Nederlands');
  });
});
