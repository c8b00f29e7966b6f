import { expect } from 'chai';
import supertest from 'supertest';
import { appWithStoresSwapped, DESK, deskPasswordStep, deskToken, eachTestWithStaffSignedIn, failingStaffAudit, identityOf, signInAtDesk, type TestStaffMember } from '../../support/desk';
import { doubleClick, submitForm } from '../../support/forms';
import type { TestRuntime } from '../../support/runtime';

const PAGE = `${DESK}/wachtwoord`;
const NEW_PASSWORD = 'groene-kikker-springt-7';

describe('desk: a staff member changes their own password', () => {
  let rt: TestRuntime;
  let member: TestStaffMember;
  let desk: supertest.Agent;
  eachTestWithStaffSignedIn((signedIn) => ({ rt, member, desk } = signedIn), { name: 'Anna Jansen' });

  const change = (fields: Record<string, string>, agent = desk) => submitForm(agent, PAGE, fields);
  const checkedPasswords = async () => (await rt.services.staffAudit.list({ limit: 500 })).filter((e) => e.type === 'confirmation_failed').length;

  it('is in the staff member\'s own menu, and asks for the current password, a code from the app and a new password twice', async () => {
    const page = await desk.get(`${DESK}/patienten`);
    expect(page.text).to.include(`<a href="${PAGE}">Wachtwoord wijzigen</a>`);
    const form = await desk.get(PAGE);
    expect(form.status).to.equal(200);
    expect(form.text).to.include('<h1>Wachtwoord wijzigen</h1>').and.include('autocomplete="current-password"').and.include('autocomplete="one-time-code"').and.include('autocomplete="new-password"');
    expect((await rt.agent().get(PAGE)).headers.location, 'signed in only').to.equal(DESK);
  });

  it('changes it: the old one no longer signs in, the new one does, other desk sessions end, and it is in the Logboek', async () => {
    const other = await signInAtDesk(rt, member, rt.agent());
    const res = await change({ ...identityOf(rt, member), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.headers.location).to.equal(`${PAGE}`);
    expect((await desk.get(res.headers.location!)).text).to.include('Je wachtwoord is gewijzigd.');
    const [event] = await rt.services.staffAudit.list({ limit: 1 });
    expect(event).to.deep.include({ type: 'password_changed' });
    expect(event!.staff!.id).to.equal(member.id);
    expect((await other.get(`${DESK}/patienten`)).headers.location, 'the other session ended').to.equal(DESK);
    expect((await deskPasswordStep(rt.agent(), member)).status, 'the old password').to.equal(400);
    expect((await deskPasswordStep(rt.agent(), { ...member, password: NEW_PASSWORD })).headers.location).to.equal(`${DESK}/code`);
  });

  it('refuses an eleventh new password in an hour before hashing it, and says until when', async () => {
    const fields = { ...identityOf(rt, member), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD };
    for (let i = 0; i < 10; i += 1) await rt.services.passwordChangeLimit.reserve(`staff:${member.id}`);
    const res = await change(fields);
    expect(res.status).to.equal(429);
    // The hour began a moment ago, at 14:01:00 on the test clock, so it ends a moment before 15:01:
    // at 15:00 a new password would still be refused, and 15:01 is the minute named.
    expect(res.text).to.include('<a href="#newPassword">Je hebt het afgelopen uur te vaak een nieuw wachtwoord geprobeerd. Je kunt het om 15:01 opnieuw proberen.');
    expect((await deskPasswordStep(rt.agent(), member)).headers.location, 'the password is unchanged').to.equal(`${DESK}/code`);
    // A patient's count is their own.
    expect(await rt.services.passwordChangeLimit.reserve('patient:1')).to.deep.equal({ allowed: true });
  });

  it('changes it once when the form is sent twice at once (a double click): one line in the Logboek, both answers say it is changed', async () => {
    const fields = { ...identityOf(rt, member), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD };

    await doubleClick(desk, PAGE, fields, { first: `${PAGE}`, second: [`${PAGE}`] });

    const changes = (await rt.services.staffAudit.list({ limit: 50 })).filter((e) => e.type === 'password_changed');
    expect(changes, 'one line in the Logboek').to.have.length(1);
    expect(await checkedPasswords(), 'no failed check of the current password').to.equal(0);
    expect((await deskPasswordStep(rt.agent(), { ...member, password: NEW_PASSWORD })).headers.location).to.equal(`${DESK}/code`);
  });

  it('says what is wrong next to each field and in the summary, and never shows a password again', async () => {
    const right = () => identityOf(rt, member);
    const cases: Array<[() => Record<string, string>, string, string]> = [
      [() => ({ ...right(), newPassword: 'kort', repeatPassword: 'kort' }), 'newPassword', 'minstens'],
      [() => ({ ...right(), newPassword: NEW_PASSWORD, repeatPassword: 'iets-anders-dan-dit-9' }), 'repeatPassword', 'niet hetzelfde'],
      [() => ({ ...right(), currentPassword: '', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }), 'currentPassword', 'Vul je huidige wachtwoord in.'],
      [() => ({ ...right(), code: '', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }), 'code', 'Vul de verificatiecode in.'],
      [() => ({ ...right(), code: '12 34', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }), 'code', 'De verificatiecode bestaat uit 6 cijfers.'],
      [() => ({ ...right(), currentPassword: 'helemaal-niet-goed-42', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }), 'currentPassword', 'Je huidige wachtwoord klopt niet.'],
      [() => ({ ...right(), code: '000000', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }), 'code', 'Deze code klopt niet. Vul de code in die de app nu laat zien.'],
      [() => ({ ...right(), newPassword: member.password, repeatPassword: member.password }), 'newPassword', 'Kies een ander wachtwoord dan je huidige wachtwoord.'],
    ];
    for (const [fieldsOf, field, message] of cases) {
      const fields = fieldsOf();
      const res = await change(fields);
      expect(res.status, message).to.equal(400);
      expect(res.text, message).to.include(`<li><a href="#${field}">`).and.include(message);
      const passwords = [fields.currentPassword, fields.newPassword, fields.repeatPassword].filter(Boolean);
      for (const value of passwords) expect(res.text, `${message}: no password in the page`).not.to.include(`value="${value}"`);
    }
    expect((await deskPasswordStep(rt.agent(), member)).headers.location, 'nothing changed').to.equal(`${DESK}/code`);
  });

  it('never shows a recovery code typed in the code field again', async () => {
    const code = member.recoveryCodes[0]!;
    const res = await change({ currentPassword: 'helemaal-niet-goed-42', code, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('Je huidige wachtwoord klopt niet.').and.not.include(code);
  });

  it('keeps the old password when its row in the Logboek cannot be written', async () => {
    const broken = supertest.agent(appWithStoresSwapped(rt, failingStaffAudit));
    await signInAtDesk(rt, member, broken);
    const res = await change({ ...identityOf(rt, member), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }, broken);
    expect(res.status).to.equal(500);
    expect((await deskPasswordStep(rt.agent(), member)).headers.location, 'the old password still signs in').to.equal(`${DESK}/code`);
    expect((await deskPasswordStep(rt.agent(), { ...member, password: NEW_PASSWORD })).status, 'the new one does not').to.equal(400);
  });

  it('checks at most the throttle\'s free failures of 30 wrong current passwords sent at once; the rest wait', async () => {
    const token = await deskToken(desk, PAGE);
    const before = await checkedPasswords();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        desk.post(PAGE).type('form').send({ _csrf: token, currentPassword: `fout-wachtwoord-${i}`, code: '123456', newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }),
      ),
    );
    expect((await checkedPasswords()) - before, 'passwords compared').to.be.at.least(1).and.at.most(rt.config.signInThrottle.freeFailuresPerAccount);
    const events = await rt.services.staffAudit.list({ limit: 500 });
    expect(events.filter((e) => e.type === 'sign_in_failed'), 'a signed-in staff member\'s wrong password is no failed sign-in').to.have.length(0);
    const waiting = results.filter((r) => r.status === 429);
    expect(waiting.length).to.be.at.least(30 - rt.config.signInThrottle.freeFailuresPerAccount);
    expect(waiting[0]!.text).to.match(/Je hebt te vaak een verkeerd wachtwoord ingevuld\. Probeer het om \d\d:\d\d opnieuw\./);
    const right = await change({ ...identityOf(rt, member), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(right.status, 'the right password waits too').to.equal(429);
  });
});
