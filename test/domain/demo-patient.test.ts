import { expect } from 'chai';
import { DEMO_PATIENT, seedDemoPatient } from '../../src/domain/demo-patient';
import { startTestRuntime, TestRuntime } from '../support/runtime';

describe('the demo patient (development)', () => {
  let rt: TestRuntime;
  beforeEach(async () => {
    rt = await startTestRuntime();
  });
  afterEach(() => rt.close());

  it('is made once, and says afterwards whether its public password still works, so the start-up line names it only then', async () => {
    expect(await seedDemoPatient(rt.services)).to.equal('created');
    expect(await seedDemoPatient(rt.services)).to.equal('demo_password');
    const demo = (await rt.services.users.findByEmail(DEMO_PATIENT.email))!;
    await rt.db('users').where({ id: demo.id }).update({ password_hash: await rt.services.hasher.hash('een-eigen-wachtwoord-42') });
    expect(await seedDemoPatient(rt.services)).to.equal('own_password');
    expect(Number((await rt.db('users').where({ email: DEMO_PATIENT.email }).count({ n: '*' }).first())!.n)).to.equal(1);
  });
});
