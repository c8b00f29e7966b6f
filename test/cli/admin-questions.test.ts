import { expect } from 'chai';
import { succeeds, withAdminDatabase } from './admin-cli';

describe('admin command line: questions from the Vragenformulier (J8)', function () {
  this.timeout(60_000); // each test starts the real command (about a second each)
  const world = withAdminDatabase();
  const admin = (args: string[]) => world.database.admin(args);

  it('lists stored questions newest first, with date, time, name, e-mail, patient, open or handled (when, by whom) and the question', async () => {
    const { rt } = world;
    const patient = await rt.createPatient({ email: 'cas@example.nl', name: 'Cas Test' });
    await rt.services.helpQuestions.add({ userId: null, name: 'Bea Anoniem', email: 'bea@example.nl', question: 'Where do I sign up?', language: 'en' }, '203.0.113.1');
    rt.clock.advanceMinutes(5);
    const staff = await rt.services.staff.create({ email: 'anna@kliniek.nl', name: 'Anna Jansen', role: 'desk', passwordHash: 'x', oneTimePasswordUntil: null });
    await rt.services.questions.markHandled(1, staff.id, 'Gebeld');
    const question = 'I lost my phone.\nHow do I sign in now? \u001b[31mred';
    await rt.services.helpQuestions.add({ userId: patient.id, name: 'Cas Test', email: 'cas@example.nl', question, language: 'en' }, '203.0.113.1');

    const all = await succeeds(admin(['list-questions']));
    const [newest, oldest, zone] = all.stdout.trimEnd().split('\n\n');
    expect(zone, 'the zone of the times, last').to.equal('Dates and times in Europe/Amsterdam (TIME_ZONE).');
    // The test clock starts at 13:00 UTC on 25 November 2026: 14:00 in Amsterdam.
    expect(newest).to.match(/^#2 {2}2026-11-25 14:05 {2}Cas Test <cas@example\.nl> {2}\(patient \d+\) {2}\[open\]\n/);
    expect(newest).to.include(`(patient ${patient.id})`);
    expect(newest).to.include('    I lost my phone.\n    How do I sign in now? ?[31mred');
    expect(oldest).to.match(/^#1 {2}2026-11-25 14:00 {2}Bea Anoniem <bea@example\.nl> {2}\(sent while not signed in\) {2}\[handled 2026-11-25 14:05 by Anna Jansen\]\n {4}Where do I sign up\?$/);
    expect(all.stdout, 'control characters are not passed to the terminal').not.to.include('\u001b');

    const limited = await succeeds(admin(['list-questions', '--limit', '1']));
    expect(limited.stdout).to.include('I lost my phone.');
    expect(limited.stdout).not.to.include('Where do I sign up?');
  });

  it('says so when there are no questions, and refuses a limit that is not a positive whole number', async () => {
    const [none, zero, word] = await Promise.all([
      admin(['list-questions']),
      admin(['list-questions', '--limit', '0']),
      admin(['list-questions', '--limit=ten']),
    ]);
    expect(none.code).to.equal(0);
    expect(none.stdout).to.include('No questions have been sent yet.');
    for (const result of [zero, word]) {
      expect(result.code, 'wrong usage').to.equal(2);
      expect(result.stderr).to.include('--limit must be a whole number from 1 to');
    }
  });
});
