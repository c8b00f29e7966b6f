import { expect } from 'chai';
import { Secret } from 'otpauth';
import type supertest from 'supertest';
import type { BootstrapOptions } from '../../src/bootstrap';
import type { AccountStores } from '../../src/domain/account-stores';
import type { StaffRole } from '../../src/domain/staff';
import type { Services } from '../../src/services';
import { submitForm } from './forms';
import { appWith, DEFAULT_TEST_PASSWORD, startTestRuntime, type TestEnv, type TestRuntime } from './runtime';
import { appCode, STEP_MS } from './totp';

export const DESK = '/balie';

let counter = 0;

/** A staff member made through the domain: with the app on (the usual case), or without it yet. */
export async function createStaffMember(rt: TestRuntime, options: { role?: StaffRole; withApp?: boolean; email?: string; name?: string } = {}) {
  counter += 1;
  const password = DEFAULT_TEST_PASSWORD;
  const member = await rt.services.staff.create({
    email: options.email ?? `medewerker${counter}@kliniek.nl`,
    name: options.name ?? `Medewerker ${counter}`,
    role: options.role ?? 'desk',
    passwordHash: await rt.services.hasher.hash(password),
    oneTimePasswordUntil: null,
  });
  const secret = new Secret({ size: 20 }).base32;
  const recoveryCodes = rt.services.staffRecoveryCodes.generate();
  if (options.withApp !== false) await rt.services.staffTwoFactor.enableTotp(member.id, rt.services.secretBox.seal(secret), recoveryCodes);
  return { ...member, password, secret, recoveryCodes };
}

export type TestStaffMember = Awaited<ReturnType<typeof createStaffMember>>;

/** The password step at /balie; for someone with the app, the agent ends on the code page. */
export function deskPasswordStep(agent: supertest.Agent, member: { email: string; password: string }) {
  return submitForm(agent, DESK, { email: member.email, password: member.password });
}

/** Both steps at /balie with a code from the app (a new time step, so the code is not a replay). */
export async function signInAtDesk(rt: TestRuntime, member: TestStaffMember, agent = rt.agent()): Promise<supertest.Agent> {
  expect((await deskPasswordStep(agent, member)).headers.location).to.equal(`${DESK}/code`);
  rt.clock.advance(STEP_MS);
  const res = await submitForm(agent, `${DESK}/code`, { code: appCode(member.secret, rt.clock.now()) });
  expect(res.headers.location, res.text.slice(0, 300)).to.equal(`${DESK}/patienten`);
  return agent;
}

/** Both steps again, as a desk page asks before a change to the staff member's own sign-in: the password and a code from the app (a new time step). */
export function identityOf(rt: TestRuntime, member: TestStaffMember): { currentPassword: string; code: string } {
  rt.clock.advance(STEP_MS);
  return { currentPassword: member.password, code: appCode(member.secret, rt.clock.now()) };
}

/** The CSRF token of the first form on a desk page. */
export async function deskToken(agent: supertest.Agent, page = `${DESK}/patienten`): Promise<string> {
  const html = (await agent.get(page)).text;
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no form on ${page}`);
  return token;
}

/** The services, with every transaction's stores passed through `swap` (to put a failing one in). */
export function withStoresSwapped(services: Services, swap: (stores: AccountStores) => AccountStores): Services {
  return { ...services, inTransaction: (work) => services.inTransaction((stores) => work(swap(stores))) };
}

/** A second app on the same runtime (database, sessions) whose transactions get the swapped stores. */
export function appWithStoresSwapped(rt: TestRuntime, swap: (stores: AccountStores) => AccountStores) {
  return appWith(rt, { services: withStoresSwapped(rt.services, swap) });
}

export class InjectedFailure extends Error {
  constructor() {
    super('injected failure');
  }
}

export const fail = async (): Promise<never> => {
  throw new InjectedFailure();
};

/** A staff audit log whose every write fails, as in a broken transaction. */
export const failingStaffAudit = (stores: AccountStores): AccountStores => ({ ...stores, staffAudit: { ...stores.staffAudit, record: fail } });

/** A runtime (on the database under test) with a staff member signed in at the desk. */
export async function startWithStaffSignedIn(options: Parameters<typeof createStaffMember>[1] = {}, env: TestEnv = {}, bootstrapOptions: BootstrapOptions = {}) {
  const rt = await startTestRuntime(env, bootstrapOptions);
  const member = await createStaffMember(rt, options);
  return { rt, member, desk: await signInAtDesk(rt, member) };
}

export type StaffSignedIn = Awaited<ReturnType<typeof startWithStaffSignedIn>>;

/** Mocha hooks: before every test a new runtime with a staff member signed in, handed to `use`; closed after it. */
export function eachTestWithStaffSignedIn(use: (signedIn: StaffSignedIn) => void, options: Parameters<typeof createStaffMember>[1] = {}): void {
  let current: StaffSignedIn | undefined;
  beforeEach(async () => {
    current = await startWithStaffSignedIn(options);
    use(current);
  });
  afterEach(() => current?.rt.close());
}
