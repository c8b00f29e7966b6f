import { expect } from 'chai';
import { submitForm } from '../../support/forms';
import { startTestRuntime, type TestEnv, type TestRuntime } from '../../support/runtime';

const FORM = '/hulp/vragenformulier';

/*
 * The limits count in real time (rate-limiter-flexible), the page names the minute on the app's
 * clock: the test clock stands still at 14:00 in Amsterdam, 25 November 2026 (13:00 UTC), so a
 * window that began a moment ago ends a moment before 15:00, the minute named.
 */
describe('help: the Vragenformulier\'s limits tell the truth and say when a question can be sent again', () => {
  let rt: TestRuntime;
  const start = async (env: TestEnv = {}) => {
    rt = await startTestRuntime(env);
  };
  afterEach(() => rt?.close());

  /** `count` questions, each from someone else (a new session) on this same connection. */
  async function othersAsk(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const res = await submitForm(rt.agent(), FORM, { name: `Bezoeker ${i}`, email: `bezoeker${i}@example.nl`, question: `Vraag ${i}` });
      expect(res.headers.location, `question ${i}`).to.equal(FORM);
    }
  }

  const firstQuestion = { name: 'Anna de Vries', email: 'anna@example.nl', question: 'Ik krijg geen SMS. <Wat nu?>' };

  it('tells a first-time visitor after five questions from the same internet connection that the limit is the connection\'s, when a question gets through again, and keeps what they typed', async () => {
    await start();
    await othersAsk(5);
    const res = await submitForm(rt.agent(), FORM, firstQuestion);
    expect(res.status).to.equal(429);
    expect(res.text).to.include(
      '<p class="warning" role="alert">We hebben je vraag niet verstuurd, want er zijn het afgelopen uur vanaf deze internetverbinding al veel vragen gestuurd. ' +
        'Je kunt om 15:00 weer een vraag sturen. Heb je eerder hulp nodig? Bel de helpdesk via 030 – 737 0323.</p>',
    );
    expect(res.text, 'nothing said about this visitor\'s own questions').not.to.include('Je hebt');
    expect(res.text).to.include('Ik krijg geen SMS. &lt;Wat nu?&gt;</textarea>').and.include('value="Anna de Vries"').and.include('value="anna@example.nl"');
    expect(await rt.services.helpQuestions.list(), 'not stored').to.have.length(5);

    const english = await submitForm(rt.agent().set('Cookie', 'karify.lang=en'), FORM, firstQuestion);
    expect(english.status).to.equal(429);
    expect(english.text).to.include(
      '<p class="warning" role="alert">We have not sent your question, because many questions have already been sent from this internet connection in the past hour. ' +
        'You can send a question again at 15:00. Need help before then? Call the helpdesk on 030 – 737 0323.</p>',
    );
  });

  it('says when the limit for everyone together lets a question through again, without saying "today" or "tomorrow"', async () => {
    await start({ HELP_QUESTIONS_PER_DAY: '3' });
    await othersAsk(3);
    const res = await submitForm(rt.agent(), FORM, firstQuestion);
    expect(res.status).to.equal(429);
    expect(res.text).to.include(
      '<p class="warning" role="alert">We hebben je vraag niet verstuurd, want er zijn de afgelopen 24 uur al heel veel vragen gestuurd. ' +
        'Je kunt op 26 november 2026 om 14:00 weer een vraag sturen. Heb je eerder hulp nodig? Bel de helpdesk via 030 – 737 0323.</p>',
    );
    expect(res.text).not.to.include('vandaag').and.not.to.include('morgen');
    expect(res.text).to.include('Ik krijg geen SMS. &lt;Wat nu?&gt;</textarea>');
  });

  it('names the end of the limit for everyone when both are full: the connection\'s hour ending would not let the question through', async () => {
    await start({ HELP_QUESTIONS_PER_DAY: '5' });
    await othersAsk(5);
    const res = await submitForm(rt.agent(), FORM, firstQuestion);
    expect(res.status).to.equal(429);
    expect(res.text).to.include('want er zijn de afgelopen 24 uur al heel veel vragen gestuurd. Je kunt op 26 november 2026 om 14:00 weer een vraag sturen.');
  });
});
