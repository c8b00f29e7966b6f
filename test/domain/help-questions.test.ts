import { expect } from 'chai';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

describe('help questions: the limits per network and for everyone', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime({ HELP_QUESTIONS_PER_DAY: '7' });
  });
  afterEach(() => rt.close());

  const question = (n: number) => ({ userId: null, name: `Bezoeker ${n}`, email: `bezoeker${n}@example.nl`, question: `Vraag ${n}`, language: null });

  it('refuses a question from a full network until the end of its hour, rounded up to the whole minute a page names', async () => {
    rt.clock.advance(30_000); // 13:00:30 UTC: the hour ends at 14:00:30, so 14:01 is the first whole minute after it
    for (let n = 0; n < 5; n += 1) expect(await rt.services.helpQuestions.add(question(n), '203.0.113.7')).to.deep.equal({ status: 'stored' });
    expect(await rt.services.helpQuestions.add(question(5), '203.0.113.7')).to.deep.equal({ status: 'limited', scope: 'ip', retryAt: Date.UTC(2026, 10, 25, 14, 1) });
    expect(await rt.services.helpQuestions.add(question(6), '203.0.113.8'), 'another network').to.deep.equal({ status: 'stored' });
  });

  it('names the end of the limit for everyone when it is full, also when the network\'s limit refused first', async () => {
    for (let n = 0; n < 2; n += 1) await rt.services.helpQuestions.add(question(n), `198.51.100.${n}`);
    for (let n = 2; n < 7; n += 1) await rt.services.helpQuestions.add(question(n), '203.0.113.7');
    const tomorrow = Date.UTC(2026, 10, 26, 13, 0);
    expect(await rt.services.helpQuestions.add(question(7), '203.0.113.7'), 'the network\'s limit refused').to.deep.equal({ status: 'limited', scope: 'day', retryAt: tomorrow });
    expect(await rt.services.helpQuestions.add(question(8), '203.0.113.8'), 'the limit for everyone refused').to.deep.equal({ status: 'limited', scope: 'day', retryAt: tomorrow });
    expect(await rt.services.helpQuestions.list(), 'the refused ones were not stored').to.have.length(7);
  });
});
