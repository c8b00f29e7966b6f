import type { Database } from '../infra/database';
import { PATIENT_TABLES, type AccountTables } from './account-tables';
import { upToWholeMinute, type Clock } from './clock';

export interface LockoutSettings {
  maxConsecutiveFailures: number;
  lockMinutes: number;
}

export type LockoutReservation = { status: 'reserved' } | { status: 'locked'; until: number };

export type SecondStepLockout = ReturnType<typeof createSecondStepLockout>;

/**
 * The account-wide limit on second-step checks (SPEC §4): at most `maxConsecutiveFailures`
 * checks in a run, then the second step is locked for `lockMinutes`. A check takes its place in
 * the run *before* anything is compared, in one statement, so fifty requests in flight get no
 * more checks than fifty in a row. A success ends the run; a check that had nothing to compare
 * (no live code) gives its place back. `tables`: whose accounts (patients by default, or staff).
 * A lock ends on a whole minute (upToWholeMinute), the one the pages, Berichten and e-mail name.
 */
export function createSecondStepLockout(deps: { db: Database; clock: Clock; settings: LockoutSettings; tables?: AccountTables }) {
  const { db, clock, settings } = deps;
  const { lockouts: TABLE, key } = deps.tables ?? PATIENT_TABLES;
  const max = settings.maxConsecutiveFailures;
  const lockMs = settings.lockMinutes * 60_000;
  const lockEnd = (now: number) => upToWholeMinute(now + lockMs);

  async function lockedUntil(userId: number): Promise<number | null> {
    const row = await db(TABLE).where(key, userId).first('locked_until');
    const until = row?.locked_until == null ? null : Number(row.locked_until);
    return until !== null && until > clock.now() ? until : null;
  }

  return {
    /**
     * One statement, atomic on SQLite (one writer) and PostgreSQL (the row is locked by the
     * upsert): a lock that has expired starts a new run; a run that is full sets the lock.
     */
    async reserve(userId: number): Promise<LockoutReservation> {
      const now = clock.now();
      const until = lockEnd(now);
      const rows: Array<{ failures: number; locked_until: number | string | null }> = await db.raw(
        `INSERT INTO ${TABLE} AS l (${key}, failures, locked_until) VALUES (?, 1, NULL)
         ON CONFLICT (${key}) DO UPDATE SET
           failures = CASE WHEN l.locked_until > ? THEN l.failures
                           WHEN l.locked_until IS NOT NULL THEN 1
                           WHEN l.failures >= ? THEN 0
                           ELSE l.failures + 1 END,
           locked_until = CASE WHEN l.locked_until > ? THEN l.locked_until
                               WHEN l.locked_until IS NOT NULL THEN NULL
                               WHEN l.failures >= ? THEN ?
                               ELSE NULL END
         RETURNING failures, locked_until`,
        [userId, now, max, now, max, until],
      ).then((result: unknown) => (Array.isArray(result) ? result : (result as { rows: [] }).rows));
      const lockedUntil = rows[0]?.locked_until == null ? null : Number(rows[0].locked_until);
      return lockedUntil === null ? { status: 'reserved' } : { status: 'locked', until: lockedUntil };
    },

    /** A failed check keeps its place; once the run is full the lock starts. Returns the lock in force, if any. */
    async failed(userId: number): Promise<number | null> {
      const now = clock.now();
      await db(TABLE)
        .where(key, userId)
        .where('failures', '>=', max)
        .where((q) => void q.whereNull('locked_until').orWhere('locked_until', '<=', now))
        .update({ failures: 0, locked_until: lockEnd(now) });
      return lockedUntil(userId);
    },

    /**
     * The lock in force, for the one caller that should tell the patient about it: of all the
     * requests that meet the same lock, exactly one gets it.
     */
    async claimLockNotice(userId: number): Promise<number | null> {
      const [row] = (await db(TABLE)
        .where(key, userId)
        .where('locked_until', '>', clock.now())
        .where((q) => void q.whereNull('announced_until').orWhereRaw('announced_until <> locked_until'))
        .update({ announced_until: db.ref('locked_until') })
        .returning('locked_until')) as Array<{ locked_until: number | string }>;
      return row ? Number(row.locked_until) : null;
    },

    /**
     * A success ends the run. A lock that requests racing it set meanwhile stays: it was announced
     * ("nobody can sign in until …"), and ending it silently would make that untrue. (The success
     * took its place before that lock, so it still counts.)
     */
    async succeeded(userId: number): Promise<void> {
      await db(TABLE)
        .where(key, userId)
        .where((q) => void q.whereNull('locked_until').orWhere('locked_until', '<=', clock.now()))
        .update({ failures: 0, locked_until: null, announced_until: null });
    },

    /** A check that compared nothing gives its place back. */
    async refund(userId: number): Promise<void> {
      await db(TABLE).where(key, userId).where('failures', '>', 0).whereNull('locked_until').decrement('failures', 1);
    },

    lockedUntil,

    /** A new start: when two-step is turned on, off, or reset. Pass a transaction to make it part of that change. */
    async clear(userId: number, on: Database = db): Promise<void> {
      await on(TABLE).where(key, userId).delete();
    },
  };
}
