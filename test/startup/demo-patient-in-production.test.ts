import { expect } from 'chai';
import { DEMO_PATIENT } from '../../src/domain/demo-patient';
import { adminTestDatabase, succeeds, type AdminTestDatabase } from '../cli/admin-cli';
import { stopProcess } from '../support/redis-server';
import { PRODUCTION_ENV, startTestRuntime } from '../support/runtime';
import { exitWithin, startServerProcess } from './server-process';

const FIX = `npm run admin -- disable-user --email ${DEMO_PATIENT.email} --reason "demo patient from development"`;

/** Starts production on the database; the refusal's message, or undefined when it started. */
async function startInProduction(database: AdminTestDatabase): Promise<string | undefined> {
  try {
    const rt = await startTestRuntime({ ...PRODUCTION_ENV, ...database.runtimeEnv });
    await rt.close();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('start-up in production on a database with the demo patient', function () {
  this.timeout(60_000);
  let database: AdminTestDatabase;

  beforeEach(async () => {
    database = await adminTestDatabase();
    // Once started in development: the demo patient with its public password.
    const development = await startTestRuntime({ ...database.runtimeEnv, SEED_DEMO_PATIENT: 'true' });
    await development.close();
  });

  it('is refused while the demo patient has its public password, naming the account and the command that fixes it; after that command it starts', async () => {
    const refused = await startInProduction(database);
    expect(refused, 'production started').to.be.a('string');
    expect(refused).to.include(`The demo patient ${DEMO_PATIENT.email} still signs in with its public password`).and.include(FIX);

    await succeeds(database.admin(['disable-user', '--email', DEMO_PATIENT.email, '--reason', 'demo patient from development']));
    expect(await startInProduction(database), 'a disabled demo patient cannot sign in').to.equal(undefined);
  });

  it('starts when the demo patient has a password of its own', async () => {
    const rt = await startTestRuntime(database.runtimeEnv);
    const demo = (await rt.services.users.findByEmail(DEMO_PATIENT.email))!;
    await rt.db('users').where({ id: demo.id }).update({ password_hash: await rt.services.hasher.hash('een-eigen-wachtwoord-42') });
    await rt.close();
    expect(await startInProduction(database)).to.equal(undefined);
  });

  it('outside production it starts as before', async () => {
    const rt = await startTestRuntime(database.runtimeEnv);
    await rt.close();
  });

  it('the real server exits 1 with the message, without a stack trace, and listens nowhere', async () => {
    const server = startServerProcess({ ...(PRODUCTION_ENV as Record<string, string>), ...database.env, PORT: '0' });
    try {
      const exit = await exitWithin(server, 30_000);
      expect(exit, `the server kept running:\n${server.output()}`).to.deep.equal({ code: 1, signal: null });
      expect(server.output()).to.include(`Karify could not start: The demo patient ${DEMO_PATIENT.email}`).and.include(FIX);
      expect(server.output()).not.to.match(/\n\s+at /).and.not.include('Karify listening');
    } finally {
      await stopProcess(server, 'SIGKILL');
    }
  });
});
