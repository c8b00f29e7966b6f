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

  it('give the recovery codes\' block (focused by "Kopieer herstelcodes" without JavaScript) the dark ring the fields have: yellow alone on white is too faint (WCAG 1.4.11)', () => {
    const [field] = declarationsOf('a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus');
    const [codes] = declarationsOf('.recovery-codes:focus');
    expect(field).to.include('box-shadow:0 0 0 5px #1b1b1b');
    expect(codes).to.include('outline:3px solid #ffbf47').and.include('box-shadow:0 0 0 5px #1b1b1b');
  });
});

describe('field widths', () => {
  it('are in em, so that a field grows with text enlarged alone (WCAG 1.4.4): a recovery code still fits the code field', () => {
    const [fields] = declarationsOf('input[type=text],input[type=email],input[type=password],input[type=tel],select,textarea');
    const [code] = declarationsOf('input.width-code');
    expect(fields).to.include('max-width:24em').and.include('width:100%');
    expect(code).to.include('max-width:10em');
  });
});
