import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { startTestRuntime } from '../../support/runtime';

describe('help: the Vragenformulier (J7)', () => {
  it('stores a question for the clinic, with errors next to the fields', async () => {
    const rt = await startTestRuntime();
    try {
      const agent = rt.agent();
      const empty = await submitForm(agent, '/hulp/vragenformulier', { name: '', email: 'x', question: '' });
      expect(empty.status).to.equal(400);
      expect(empty.text).to.include('Vul je naam in').and.include('Vul een e-mailadres in zoals').and.include('Vul je vraag in');
      const ok = await submitForm(agent, '/hulp/vragenformulier', { name: 'Cas', email: 'cas@example.nl', question: 'Ik krijg geen SMS.' });
      expect(ok.headers.location).to.equal('/hulp/vragenformulier?verstuurd=1');
      const stored = await rt.services.helpQuestions.list();
      expect(stored[0]).to.include({ name: 'Cas', email: 'cas@example.nl', question: 'Ik krijg geen SMS.' });
    } finally {
      await rt.close();
    }
  });
});
