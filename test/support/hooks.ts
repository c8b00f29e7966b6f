import { stopTestDatabases } from './test-database';

/** Mocha root hooks: shared servers started by the tests stop when the run ends. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestDatabases();
  },
};
