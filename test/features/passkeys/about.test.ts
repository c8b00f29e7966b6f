import { expect } from 'chai';
import { paths } from '../../../src/paths';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';

describe('passkeys: the page that explains them', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await startTestRuntime();
  });
  after(() => rt.close());

  it('can be read before signing in, and marks the other language\'s word for it (WCAG 3.1.2)', async () => {
    const agent = rt.agent();
    const dutch = await agent.get(paths.help.passkeys);
    expect(dutch.status).to.equal(200);
    expect(dutch.text).to.include('<h1>Wat is een toegangssleutel?</h1>')
      .and.include('In het Engels heet een toegangssleutel <span lang="en">passkey</span>.</p>');
    await agent.get(paths.languageFrom('en', paths.help.passkeys));
    expect((await agent.get(paths.help.passkeys)).text).to.include('In Dutch, a passkey is called <span lang="nl">toegangssleutel</span>.</p>');
  });
});
