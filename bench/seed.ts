import { createDatabase, migrateToLatest } from '../src/infra/database';

export const BENCH_PASSWORD = 'bench-wachtwoord-met-lengte';

export interface BenchPatient {
  email: string;
  /** E.164, for patients with SMS two-step. */
  phone?: string;
}

export interface BenchPatients {
  /** Password only, each with a Werkblad of ten modules. */
  web: BenchPatient[];
  /** SMS two-step on, each used for one half session of the SMS code step row. */
  halfSession: BenchPatient[];
  /** SMS two-step on, used in turn by the full sign-in row. */
  sms: BenchPatient[];
}

const MODULES = [
  'Ik heb ADHD', 'Denken voordat je doet', 'Sociale vaardigheden', 'Sociaal netwerk', 'Minder piekeren',
  'Wat is slapen?', 'Van start met ACT', 'Gegeneraliseerde angst', 'Intake Module', 'Piekeren',
];

/** A Dutch mobile number per patient: +31 6 1…, unique within the run. */
const phoneNumber = (n: number) => `+3161${String(n).padStart(7, '0')}`;

export function benchPatients(counts: { web: number; halfSession: number; sms: number }): BenchPatients {
  let phone = 0;
  const withPhone = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@bench.example.nl`, phone: phoneNumber(phone++) }));
  return {
    web: Array.from({ length: counts.web }, (_, i) => ({ email: `web-${i}@bench.example.nl` })),
    halfSession: withPhone('half', counts.halfSession),
    sms: withPhone('sms', counts.sms),
  };
}

/**
 * Migrates the database the app will use and inserts the bench patients directly (one argon2id
 * hash shared by all: hashing thousands of passwords would only slow the preparation down).
 */
export async function seedDatabase(database: { url?: string; sqliteFile: string }, patients: BenchPatients, passwordHash: string): Promise<void> {
  const db = createDatabase(database);
  try {
    await migrateToLatest(db);
    const now = Date.now();
    const row = (p: BenchPatient) => ({
      email: p.email,
      name: `Bench ${p.email.split('@')[0]}`,
      password_hash: passwordHash,
      disabled: false,
      session_generation: 0,
      created_at: now,
      updated_at: now,
    });
    const all = [...patients.web, ...patients.halfSession, ...patients.sms];
    await db.batchInsert('users', all.map(row), 200);
    const withPhone = all.filter((p) => p.phone);
    const phoneIds = (await db('users').whereIn('email', withPhone.map((p) => p.email)).select('id', 'email')) as Array<{ id: number; email: string }>;
    const phoneOf = new Map(withPhone.map((p) => [p.email, p.phone!]));
    const settings = phoneIds.map(({ id, email }) => ({ user_id: id, method: 'sms', phone: phoneOf.get(email), enabled_at: now, updated_at: now }));
    await db.batchInsert('two_factor_settings', settings, 200);
    const webIds = (await db('users').whereIn('email', patients.web.map((p) => p.email)).select('id')) as Array<{ id: number }>;
    const modules = webIds.flatMap(({ id }) =>
      MODULES.map((title, i) => ({
        user_id: id,
        position: i + 1,
        title,
        kind: i === MODULES.length - 1 ? 'package' : 'module',
        submitted_at: i < 5 ? now - (5 - i) * 86_400_000 : null,
      })),
    );
    await db.batchInsert('modules', modules, 200);
  } finally {
    await db.destroy();
  }
}
