import { expect } from 'chai';
import type supertest from 'supertest';
import { createStaffMember, DESK, eachTestWithStaffSignedIn, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { signIn, submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';
import { expectSignedOut } from '../../support/two-factor';

/**
 * A stolen phone: the desk disables the account, the patient calls back, the desk enables it again.
 * The sessions the account had (the thief's among them) must not work again, also when none of them
 * made a request while the account was disabled.
 */
describe('desk: a disabled account\'s sessions stay ended when it is enabled again', () => {
  let rt: TestRuntime;
  let desk: supertest.Agent;
  let admin: TestStaffMember;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, desk, member: admin } = signedIn), { role: 'admin' });

  it('a patient\'s: the old session is signed out, a new sign-in works', async () => {
    const patient = await rt.createPatient();
    const stolen = rt.agent();
    await signIn(stolen, patient.email, patient.password);
    const page = `${DESK}/patienten/${patient.id}`;
    await submitForm(desk, `${page}/uitschakelen`, { reason: 'Telefoon gestolen' });
    await submitForm(desk, `${page}/inschakelen`, { reason: 'Patiënt belde terug' });
    await expectSignedOut(stolen);
    expect((await signIn(rt.agent(), patient.email, patient.password)).headers.location).to.equal('/werkblad');
  });

  it('a staff member\'s: the old desk session is signed out, a new sign-in works', async () => {
    const member = await createStaffMember(rt);
    const theirs = await signInAtDesk(rt, member);
    const page = `${DESK}/medewerkers/${member.id}`;
    await submitForm(desk, `${page}/uitschakelen`, { reason: 'Laptop gestolen' });
    await submitForm(desk, `${page}/inschakelen`, { reason: 'Nieuwe laptop', ...identityOf(rt, admin) });
    expect((await theirs.get(`${DESK}/patienten`)).headers.location, 'signed out of the desk').to.equal(DESK);
    expect((await (await signInAtDesk(rt, member)).get(`${DESK}/patienten`)).status).to.equal(200);
  });
});
