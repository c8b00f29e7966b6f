import { expect } from 'chai';
import { signIn } from '../support/forms';
import { startTestRuntime, TestRuntime } from '../support/runtime';
import { TEST_DATABASE } from '../support/test-database';

/**
 * On an SQLite file, the reads of every signed-in request (session, patient, Werkblad) go through
 * read connections of their own, so they do not queue behind the single writing connection.
 */
describe(`read connections on ${TEST_DATABASE}`, function () {
  this.timeout(20_000);
  let rt: TestRuntime;
  afterEach(() => rt?.close());

  if (TEST_DATABASE === 'sqlite') {
    describe('on an SQLite file', () => {
      beforeEach(async () => {
        rt = await startTestRuntime({ TEST_DB_KEY: `reads-${Date.now()}-${Math.random().toString(36).slice(2)}` });
      });

      it('is a pool of its own that cannot write', async () => {
        expect(rt.reads).to.not.equal(rt.db);
        let error: unknown;
        try {
          await rt.reads('modules').insert({ user_id: 1, position: 1, title: 'x', kind: 'module' });
        } catch (err) {
          error = err;
        }
        expect(String(error)).to.match(/readonly/i);
      });

      it('reads the patient and the Werkblad while the writing connection is held by a transaction', async () => {
        const patient = await rt.createPatient();
        const { users, modules } = rt.services;
        // Without read connections these lookups would wait for the one connection until knex gave up.
        const seen = await rt.db.transaction(async (trx) => {
          await trx('users').where({ id: patient.id }).update({ name: 'Nog niet bewaard' });
          return Promise.all([users.findById(patient.id), modules.listForUser(patient.id)]);
        });
        expect(seen[0]!.name, 'the committed name, not the one still in the transaction').to.equal(patient.name);
        expect(seen[1]).to.deep.equal([]);
        expect((await users.findById(patient.id))!.name, 'the commit, as soon as it is made').to.equal('Nog niet bewaard');
      });

      it('finds a session as soon as it is written, and a patient signed in sees the Werkblad', async () => {
        const patient = await rt.createPatient();
        const agent = rt.agent();
        expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/werkblad');
        const res = await agent.get('/werkblad');
        expect(res.status).to.equal(200);
        expect(res.text).to.include('Werkblad');
      });
    });

    it('is the database itself for an in-memory SQLite database (one connection)', async () => {
      rt = await startTestRuntime({ SQLITE_FILE: ':memory:' });
      expect(rt.reads).to.equal(rt.db);
    });
  } else {
    it('is the database itself on PostgreSQL, whose pool reads in parallel already', async () => {
      rt = await startTestRuntime();
      expect(rt.reads).to.equal(rt.db);
    });
  }
});
