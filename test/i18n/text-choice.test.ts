import { expect } from 'chai';
import { createTranslators } from '../../src/i18n';
import { byDesk, lockedAt } from '../../src/i18n/text-choice';

describe('text choice: a lock of the second step, by where it was set off', () => {
  const keys = {
    signIn: { plain: 'signIn', until: 'signInUntil' },
    setup: { plain: 'setup', until: 'setupUntil' },
    change: { plain: 'change', until: 'changeUntil' },
  };
  const pick = lockedAt(keys);
  const f = { t: createTranslators({ onMissing: () => undefined }).nl, formatTime: () => '13:15' };

  it('says signing in waits for a lock from signing in, or from confirming or changing two-step (it is on)', () => {
    expect(pick({ purpose: 'sign_in', until: 1 }, f)).to.deep.equal({ key: 'signInUntil', values: { until: '13:15' } });
    for (const purpose of ['confirm', 'phone_change', 'switch_sms', 'switch_app']) {
      expect(pick({ purpose, until: 1 }, f).key, purpose).to.equal('changeUntil');
    }
  });

  it('says the password still signs in for a lock from setting two-step up (it is still off)', () => {
    expect(pick({ purpose: 'setup', until: 1 }, f).key).to.equal('setupUntil');
    expect(pick({ purpose: 'setup' }, f).key).to.equal('setup');
  });

  it('takes a message stored before the purpose was kept for one from signing in', () => {
    expect(pick({ until: 1 }, f).key).to.equal('signInUntil');
    expect(pick({}, f).key).to.equal('signIn');
  });
});

describe('text choice: who at the clinic made a change', () => {
  const pick = byDesk({ desk: 'desk', clinic: 'clinic' });
  const f = { t: createTranslators({ onMissing: () => undefined }).nl, formatTime: () => '13:15' };

  it('names the helpdesk only for a change made at the desk; the admin command and older messages name the clinic', () => {
    expect(pick({ by: 'desk' }, f).key).to.equal('desk');
    expect(pick({ by: 'admin-cli' }, f).key).to.equal('clinic');
    expect(pick({}, f).key).to.equal('clinic');
  });
});
