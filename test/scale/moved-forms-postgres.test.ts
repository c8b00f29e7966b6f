import { expect } from 'chai';
import { startFakeVonage } from '../support/fake-vonage';
import { csrfTokenOf } from '../support/forms';
import { HttpClient } from '../support/http-client';
import { type Instance, startTwoInstances } from '../support/instances';
import { startPostgresServer, type TestPostgresServer } from '../support/postgres-server';
import { patientWithSms } from '../support/two-factor';

/** Without Redis, two instances keep the forms that moved a session in PostgreSQL's moved_forms table. */
describe('two app instances on one PostgreSQL, without Redis: a double click\'s late copy on the other instance', function () {
  this.timeout(60_000);
  let pg: TestPostgresServer;
  let vonage: Awaited<ReturnType<typeof startFakeVonage>>;
  let a: Instance;
  let b: Instance;

  before(async () => {
    [pg, vonage] = await Promise.all([startPostgresServer('karify_moved_forms'), startFakeVonage()]);
    [a, b] = await startTwoInstances({ DATABASE_URL: pg.url }, vonage);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await Promise.all([pg?.stop(), vonage?.stop()]);
  });

  it('sends "Log in" sent again to B after A moved the session on to the code page, with the new session; one SMS', async () => {
    const patient = await patientWithSms(a.rt, '+31644444444');
    const browser = new HttpClient();
    const token = csrfTokenOf((await browser.get(`${a.url}/inloggen`)).text);
    const form = { _csrf: token, email: patient.email, password: patient.password };
    const late = browser.copy(); // still holds the session the first answer ended

    expect((await browser.post(`${a.url}/inloggen`, form)).location).to.equal('/inloggen/code');
    const repeat = await late.post(`${b.url}/inloggen`, form);

    expect(`${repeat.status} ${repeat.location}`, 'not "Je sessie is verlopen"').to.equal('302 /inloggen/code');
    expect((await late.get(`${b.url}/inloggen/code`)).status, 'with the new session').to.equal(200);
    expect(vonage.messages.filter((m) => m.to === '31644444444'), 'one SMS').to.have.length(1);
    expect(Number((await a.rt.db('moved_forms').count({ n: '*' }).first())?.n), 'kept in the table').to.be.above(0);
  });
});
