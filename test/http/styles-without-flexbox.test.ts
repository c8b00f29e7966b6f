import { expect } from 'chai';
import { declarationsOf, eachDeclarationOf } from '../support/css';

// NetSurf and Dillo know neither @supports nor flexbox; what they must not get is set inside
// `@supports (display:flex)`, which every browser with flexbox knows.
const outside = { withoutSupports: true };

describe('styles for browsers without flexbox: buttons', () => {
  it('have their 44 px minimum height only where @supports is known, so NetSurf does not add the padding to it (a 67 px button)', () => {
    expect(eachDeclarationOf('.button', outside)).not.to.include('min-height:44px');
    expect(eachDeclarationOf('.button')).to.include('min-height:44px');
  });
});

describe('styles for browsers without flexbox: a masked phone number', () => {
  it('is shown in words alone there (Dillo cannot hide text visually and showed "+31 6 ••••••78 +31 6, eindigend op 78")', () => {
    expect(eachDeclarationOf('.masked-phone-bullets', outside)).to.include('display:none');
    expect(eachDeclarationOf('.masked-phone-bullets')).to.include('display:inline');
    const [hidden] = declarationsOf('.progress-status,.masked-phone-words');
    expect(hidden, 'the words hidden visually where the bullets show').to.include('position:absolute').and.include('clip-path:inset(50%)');
    expect(declarationsOf('.progress-status,.masked-phone-words', outside)).to.deep.equal([]);
  });
});

describe('styles for browsers without flexbox: rows of actions', () => {
  it('keep their items apart with margins there, where the flex gap is unknown and they stack (NetSurf showed Print, Kopieer and Download touching)', () => {
    for (const [selector, margin] of [['.recovery-actions li', '0 0 12px'], ['.actions form', '0 0 8px'], ['.pager li', '0 0 8px']] as const) {
      expect(eachDeclarationOf(selector, outside), selector).to.include(`margin:${margin}`);
    }
    const [withFlex] = declarationsOf('.actions form,.recovery-actions li,.pager li').slice(-1);
    expect(withFlex, 'no margin beside the gap where flexbox is known').to.equal('margin:0');
  });
});
