import { listen } from './http-client';
import { startTestRuntime, type TestEnv, type TestRuntime } from './runtime';
import type { FakeVonage } from './two-factor';

/** One app instance behind the load balancer: its runtime and the address it listens on. */
export interface Instance {
  rt: TestRuntime;
  url: string;
  close(): Promise<void>;
}

/**
 * Two app instances on what `env` names (one PostgreSQL, and Redis or not), with one session
 * secret and SMS sent to `vonage`, as a load balancer without sticky sessions reaches them.
 */
export async function startTwoInstances(env: TestEnv, vonage: FakeVonage): Promise<[Instance, Instance]> {
  const shared: TestEnv = {
    SMS_PROVIDER: 'vonage',
    VONAGE_API_KEY: 'test-key',
    VONAGE_API_SECRET: 'test-secret',
    VONAGE_REST_HOST: vonage.url,
    SESSION_SECRET: 'a-shared-secret-that-both-instances-use-123',
    ...env,
  };
  const start = async (): Promise<Instance> => {
    const rt = await startTestRuntime(shared);
    const server = await listen(rt.app);
    return { rt, url: server.url, close: async () => { await server.close(); await rt.close(); } };
  };
  return [await start(), await start()];
}
