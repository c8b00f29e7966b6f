import type { ModuleStore, WorkspaceModule } from './modules';
import type { PasswordHasher } from './passwords';
import type { UserStore } from './users';

export const DEMO_PATIENT = { email: 'cas@example.nl', name: 'Cas Test', password: 'zonnige-dinsdag-42' };

// The workspace of the manual's first screenshot (times are Europe/Amsterdam, UTC+1 in February).
const at = (day: number, hours: number, minutes: number) => Date.UTC(2021, 1, day, hours - 1, minutes);
const DEMO_MODULES: Omit<WorkspaceModule, 'id'>[] = [
  { position: 1, title: 'Ik heb ADHD', kind: 'module', submittedAt: at(9, 13, 15) },
  { position: 2, title: 'Denken voordat je doet', kind: 'module', submittedAt: at(9, 13, 20) },
  { position: 3, title: 'Sociale vaardigheden', kind: 'module', submittedAt: at(9, 13, 25) },
  { position: 4, title: 'Sociaal netwerk', kind: 'module', submittedAt: at(9, 13, 31) },
  { position: 5, title: 'Minder piekeren', kind: 'module', submittedAt: at(9, 14, 56) },
  { position: 6, title: 'Wat is slapen?', kind: 'module', submittedAt: null },
  { position: 7, title: 'Van start met ACT', kind: 'module', submittedAt: null },
  { position: 8, title: 'Gegeneraliseerde angst', kind: 'module', submittedAt: null },
  { position: 9, title: 'Intake Module', kind: 'module', submittedAt: null },
  { position: 10, title: 'Piekeren', kind: 'package', submittedAt: null },
];

/** Whether the demo patient was made just now, or was there already with its public password, or with one chosen since. */
export type DemoPatientState = 'created' | 'demo_password' | 'own_password';

/** Creates the demo patient of the manual when it does not exist yet. */
export async function seedDemoPatient(deps: { users: UserStore; modules: ModuleStore; hasher: PasswordHasher }): Promise<DemoPatientState> {
  const existing = await deps.users.findByEmail(DEMO_PATIENT.email);
  if (existing) return (await deps.hasher.verify(existing.passwordHash, DEMO_PATIENT.password)) ? 'demo_password' : 'own_password';
  const user = await deps.users.create({
    email: DEMO_PATIENT.email,
    name: DEMO_PATIENT.name,
    passwordHash: await deps.hasher.hash(DEMO_PATIENT.password),
  });
  await deps.modules.replaceForUser(user.id, DEMO_MODULES);
  return 'created';
}

/**
 * Whether the demo patient exists, is not disabled, and still has the public password: an account
 * left from development that production must not serve.
 */
export async function demoPatientSignsInWithPublicPassword(deps: { users: UserStore; hasher: PasswordHasher }): Promise<boolean> {
  const existing = await deps.users.findByEmail(DEMO_PATIENT.email);
  if (!existing || existing.disabled) return false;
  return deps.hasher.verify(existing.passwordHash, DEMO_PATIENT.password);
}
