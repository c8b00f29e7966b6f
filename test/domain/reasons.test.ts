import { expect } from 'chai';
import { REASON_MAX_LENGTH, reasonProblem } from '../../src/domain/reasons';

describe('reasons (why the clinic changed an account)', () => {
  it('takes one line of at most 500 characters, counted as characters, spaces around it ignored', () => {
    expect(reasonProblem('  Paspoort gecontroleerd aan de balie  ')).to.equal(null);
    expect(reasonProblem('é'.repeat(REASON_MAX_LENGTH))).to.equal(null);
    expect(reasonProblem('🙂'.repeat(REASON_MAX_LENGTH)), 'an emoji is one character, two UTF-16 units').to.equal(null);
    expect(reasonProblem(`${'x'.repeat(REASON_MAX_LENGTH + 1)}`)).to.equal('too_long');
  });

  it('refuses an empty reason, and control and bidirectional-override characters that could disguise a log line', () => {
    for (const empty of ['', '   ', '\n']) expect(reasonProblem(empty), JSON.stringify(empty)).to.equal('required');
    for (const bad of ['a\tb', 'regel\neen', 'a\u0000b', 'a\u007Fb', 'naam\u202Eom', 'x\u2066y']) {
      expect(reasonProblem(bad), JSON.stringify(bad)).to.equal('invalid_characters');
    }
  });
});
