import { expect } from 'chai';
import { declarationsOf } from '../support/css';

describe('focus styles', () => {
  it('give a focused link an outline that forced colours (high contrast) show, beside its yellow background', () => {
    const [link] = declarationsOf('a:focus');
    expect(link).to.include('background:#ffbf47').and.include('outline:3px solid transparent').and.not.include('outline:none');
  });

  it('give the header\'s "Uitloggen" button the links\' yellow background under its dark text, not dark text on the dark header', () => {
    const [button] = declarationsOf('.site-header .link-button:focus,.user-menu .link-button:focus');
    expect(button).to.equal('background:#ffbf47');
  });
});
