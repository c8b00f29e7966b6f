import { expect } from 'chai';
import { declarationsOf, eachDeclarationOf } from '../../support/css';

describe('two-step setup: the dash between the steps of the progress bar', () => {
  it('is decoration: the generated "—" has empty alternative text, after a plain fallback for browsers without it', () => {
    const [wide] = declarationsOf('.progress li+li::before');
    expect(wide, 'the rule for wide screens').to.be.a('string');
    const contents = wide!.split(';').map((d) => d.trim()).filter((d) => d.startsWith('content:'));
    // A browser that does not know "/ alt" drops the second declaration and keeps the first.
    expect(contents).to.deep.equal(['content:"—"', 'content:"—" / ""']);
  });
});

describe('two-step setup: the marks of the progress bar', () => {
  it('come from the stylesheet, so that without it (a text browser) the list\'s own numbers stand alone', () => {
    expect(declarationsOf('.progress-mark::before')).to.deep.equal(['content:attr(data-mark)']);
  });
});

describe('two-step setup: the progress bar in browsers without flexbox or generated content (NetSurf, Dillo)', () => {
  const outside = { withoutSupports: true };

  it('keeps the list\'s own numbers there: the list style, the flex layout and the marks are set inside @supports (display:flex)', () => {
    expect(eachDeclarationOf('.progress', outside)).not.to.include('list-style:none');
    expect(eachDeclarationOf('.progress-mark', outside), 'an empty square without its content').to.include('display:none');
    expect(eachDeclarationOf('.progress li', outside), 'on small screens too').not.to.include('display:block');
    expect(eachDeclarationOf('.progress')).to.include('list-style:none').and.include('display:flex');
    expect(eachDeclarationOf('.progress-mark')).to.include('display:inline-flex');
  });

  it('shows the status in words there ("(klaar)", "(huidige stap)"); browsers with flexbox hide it as the marks say it', () => {
    expect(declarationsOf('.progress-status,.masked-phone-words', outside)).to.deep.equal([]);
    expect(eachDeclarationOf('.progress-status,.masked-phone-words')).to.include('position:absolute').and.include('clip-path:inset(50%)');
  });
});
