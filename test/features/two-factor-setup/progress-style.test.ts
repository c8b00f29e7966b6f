import { expect } from 'chai';
import { declarationsOf } from '../../support/css';

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
