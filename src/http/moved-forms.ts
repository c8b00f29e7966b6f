import type { Request } from 'express';
import type { SessionData, Store } from 'express-session';

/** A form whose success moved the session to a new id: where it led, and the new session's cookies. */
export interface MovedForm {
  location: string;
  newSessionId: string;
  cookies: string[] | undefined;
}

/** A store entry, as a session is one; `movedForm` is missing while the form is handled. */
interface MovedFormRecord {
  cookie: { expires: Date; maxAge: number; originalMaxAge: number };
  movedForm?: MovedForm;
  /** By the app's clock, as the session's own times are: a form sent again later is a new one. */
  keptUntil: number;
}

const stored = <T>(call: (done: (err?: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));

/**
 * Where the other instances find a form whose success moved the session: in a store they share
 * (Redis, or PostgreSQL; a session store of its own, see infra/session-store.ts). A form is marked
 * as moving before its old session is deleted, so an instance that no longer finds that session
 * finds the mark, and waits for the form's answer. Without `store` (one instance, on SQLite) the
 * instance's own memory has the answers, and nothing is written.
 */
export function sharedMovedForms(store: Store | undefined, { seconds }: { seconds: number }) {
  const write = async (keys: string[], record: Omit<MovedFormRecord, 'cookie'>) => {
    if (!store) return;
    const ms = seconds * 1000;
    const entry: MovedFormRecord = { cookie: { expires: new Date(Date.now() + ms), maxAge: ms, originalMaxAge: ms }, ...record };
    await Promise.all(keys.map((key) => stored((done) => store.set(key, entry as unknown as SessionData, done))));
  };

  return {
    enabled: store !== undefined,

    /** Marks the form under `key` as moving its session, until `keptUntil`. */
    markMoving: (key: string, keptUntil: number) => write([key], { keptUntil }),

    /** Keeps `form` under each of `keys`, until `keptUntil`. */
    keep: (keys: string[], form: MovedForm, keptUntil: number) => write(keys, { movedForm: form, keptUntil }),

    /** The mark under `key` goes: the form failed after all. */
    async forget(key: string): Promise<void> {
      if (store) await stored((done) => store.destroy(key, done));
    },

    /** The form kept under `key`, 'moving' while it is handled; nothing when none is (`now` by the app's clock). */
    async find(key: string, now: number): Promise<MovedForm | 'moving' | undefined> {
      if (!store) return undefined;
      const record = (await stored<SessionData | null>((done) => store.get(key, done))) as MovedFormRecord | null | undefined;
      if (!record || now > record.keptUntil) return undefined;
      return record.movedForm ?? 'moving';
    },
  };
}

/**
 * Calls `beforeMove` (once) before the session moves to a new id in this request, through
 * express-session's regenerate (also passport's login), which deletes the old session.
 */
export function beforeSessionMoves(req: Request, beforeMove: () => Promise<void>): void {
  const store = req.sessionStore;
  let called = false;
  req.sessionStore = Object.create(store, {
    regenerate: {
      value: (moving: Request, done: (err?: unknown) => void) => {
        const first = !called;
        called = true;
        (first ? beforeMove() : Promise.resolve()).then(() => store.regenerate(moving, done), done);
      },
    },
  }) as typeof store;
}
