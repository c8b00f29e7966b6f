import http from 'node:http';
import { expect } from 'chai';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import { type Clock, systemClock } from '../../src/domain/clock';
import { createOneSubmission } from '../../src/http/one-submission';
import { createLogger } from '../../src/infra/logger';
import { type Limiter, memoryLimiterFactory } from '../../src/infra/rate-limits';
import { listen } from '../support/http-client';

declare module 'express-session' {
  interface SessionData {
    step: string;
  }
}

interface FormAppOptions {
  /** How long the form takes before it moves the session, and after. */
  beforeMoveMs?: number;
  afterMoveMs: number;
  /** The form fails after it moved the session. */
  failsAfterMove?: boolean;
  /** What instances of the app share, as they share Redis: the sessions, the claims and the moved forms. */
  store?: session.Store;
  claims?: Limiter;
  movedForms?: session.Store;
  /** The app's clock (the guard keeps answers by it). */
  clock?: Clock;
  /** Counts each form the handlers behind the guard got, by path. */
  handled?: Map<string, number>;
}

/**
 * The guard on its own, around a form that, like a sign-in step, gives the session a new id and
 * takes a while: the browser drops the first request of a double click while it is handled. A
 * form that comes without the session it was shown in is refused as the CSRF check refuses it.
 */
function formApp(options: FormAppOptions) {
  const { beforeMoveMs = 0, afterMoveMs, failsAfterMove = false, store = new session.MemoryStore(), claims, movedForms } = options;
  const { clock = systemClock, handled = new Map<string, number>() } = options;
  const app = express();
  const logger = createLogger('silent');
  app.use((req, _res, next) => {
    req.log = logger;
    next();
  });
  app.use(cookieParser()); // as in the app: a repeat's session cookie is read from it
  app.use(session({ secret: 'a test secret', resave: false, saveUninitialized: false, store }));
  app.use(express.urlencoded({ extended: false }));
  const once = createOneSubmission({
    limiters: claims ? async () => claims : memoryLimiterFactory,
    key: Buffer.from('a test key'),
    sessionSecrets: ['a test secret'],
    clock,
    sharedStore: movedForms,
  });
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  app.get('/start', (req, res) => {
    req.session.step = 'half';
    res.send('started');
  });
  app.post('/verify', (req, _res, next) => next(req.session.step ? undefined : Object.assign(new Error('no session'), { code: 'EBADCSRFTOKEN' })));
  app.post('/verify', once(() => '/done'), (req, res, next) => {
    if (req.session.step !== 'half') return res.redirect('/start');
    later(beforeMoveMs).then(() => {
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.step = 'full';
        later(afterMoveMs).then(() => (failsAfterMove ? next(new Error('the form failed')) : res.redirect('/done')), next);
      });
    }, next);
  });
  app.get('/done', (req, res) => res.send(req.session.step ?? 'no session'));
  const count: express.RequestHandler = (req, _res, next) => {
    handled.set(req.path, (handled.get(req.path) ?? 0) + 1);
    next();
  };
  // A form that fails a moment later, as one does while the database is away.
  app.post('/unavailable', once(() => '/done'), count, (_req, res) => void later(100).then(() => res.status(503).set('Retry-After', '30').send('later')));
  // A form refused for what was typed, as a wrong code is; the page says which try it was.
  app.post('/wrong', once(() => '/done'), count, (req, res) => {
    const { pad = '' } = req.body as { pad?: string }; // what a page shows again of what was typed
    res.status(400).send(`wrong, try ${handled.get(req.path)}${pad}`);
  });
  app.use(once.repeatAfterMove);
  app.use(((err, _req, res, _next) => res.status(403).send(String((err as Error).message))) as ErrorRequestHandler);
  return app;
}

/** Two instances of the form app on one session store, one claim store and one store of moved forms. */
async function twoInstances(options: Omit<FormAppOptions, 'store' | 'claims' | 'movedForms'>) {
  const shared = {
    store: new session.MemoryStore(),
    claims: await memoryLimiterFactory({ keyPrefix: 'form_submission', points: 1, duration: 30 }),
    movedForms: new session.MemoryStore(),
  };
  return Promise.all([listen(formApp({ ...options, ...shared })), listen(formApp({ ...options, ...shared }))]);
}

const postForm = (url: string, cookie: string) =>
  fetch(url, { method: 'POST', redirect: 'manual', body: 'code=123456', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });

const cookieOf = (response: Response) => response.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');

/** Sends the form and drops the request `afterMs` later, as the browser does at the second click. */
function sendAndDrop(url: string, cookie: string, afterMs: number): Promise<{ answered: boolean }> {
  return new Promise((resolve) => {
    let answered = false;
    const request = http.request(url, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    request.on('response', () => (answered = true)).on('error', () => undefined);
    request.end('code=123456');
    setTimeout(() => {
      request.destroy();
      resolve({ answered });
    }, afterMs);
  });
}

describe('one submission: a double click whose first request the browser dropped', () => {
  it('answers the second with where the first led and the new session\'s cookie, once the first is done', async () => {
    const server = await listen(formApp({ afterMoveMs: 300 }));
    try {
      const cookie = cookieOf(await fetch(`${server.url}/start`));
      const first = await sendAndDrop(`${server.url}/verify`, cookie, 50);
      expect(first.answered, 'the first was still being handled').to.equal(false);

      const second = await postForm(`${server.url}/verify`, cookie);

      expect(`${second.status} ${second.headers.get('location')}`).to.equal('302 /done');
      const kept = cookieOf(second);
      expect(kept, 'the new session\'s cookie').to.match(/^connect\.sid=/).and.not.equal(cookie);
      expect(await (await fetch(`${server.url}/done`, { headers: { cookie: kept } })).text()).to.equal('full');
    } finally {
      await server.close();
    }
  });

  it('gives a copy that waited for a first that failed the first\'s answer: its status, page and Retry-After', async () => {
    const server = await listen(formApp({ afterMoveMs: 0 }));
    try {
      const cookie = cookieOf(await fetch(`${server.url}/start`));
      const answers = await Promise.all([0, 1].map(() => postForm(`${server.url}/unavailable`, cookie)));
      for (const answer of answers) expect(`${answer.status} ${answer.headers.get('retry-after')} ${await answer.text()}`).to.equal('503 30 later');
    } finally {
      await server.close();
    }
  });

  describe('a repeat that comes after the first was answered (in a browser, mostly)', () => {
    const settable = () => {
      let now = Date.now();
      return { now: () => now, later: (ms: number) => (now += ms) };
    };

    it('gives the page of a first refused for what was typed to a repeat up to 5 s later: the form is handled once', async () => {
      const clock = settable();
      const handled = new Map<string, number>();
      const server = await listen(formApp({ afterMoveMs: 0, clock, handled }));
      try {
        const cookie = cookieOf(await fetch(`${server.url}/start`));
        const send = async () => {
          const answer = await postForm(`${server.url}/wrong`, cookie);
          return `${answer.status} ${await answer.text()}`;
        };
        expect(await send()).to.equal('400 wrong, try 1');
        clock.later(4_900);
        expect(await send(), 'the first one\'s page').to.equal('400 wrong, try 1');
        expect(handled.get('/wrong'), 'handled once').to.equal(1);

        clock.later(200);
        expect(await send(), 'after 5 s: a submission of its own').to.equal('400 wrong, try 2');
      } finally {
        await server.close();
      }
    });

    it('handles a repeat of a first that met an outage (5xx) anew: it may work now', async () => {
      const handled = new Map<string, number>();
      const server = await listen(formApp({ afterMoveMs: 0, handled }));
      try {
        const cookie = cookieOf(await fetch(`${server.url}/start`));
        for (let i = 0; i < 2; i += 1) expect((await postForm(`${server.url}/unavailable`, cookie)).status).to.equal(503);
        expect(handled.get('/unavailable')).to.equal(2);
      } finally {
        await server.close();
      }
    });

    /** The form app, and a form sent with `code` (and `pad`, shown again) that answers "wrong, try N". */
    async function wrongForms() {
      const handled = new Map<string, number>();
      const server = await listen(formApp({ afterMoveMs: 0, clock: settable(), handled }));
      const cookie = cookieOf(await fetch(`${server.url}/start`));
      const send = async (code: number, pad = '') => {
        const body = new URLSearchParams({ code: String(code), pad });
        const answer = await fetch(`${server.url}/wrong`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
        return /^wrong, try \d+/.exec(await answer.text())?.[0];
      };
      return { server, send, handled };
    }

    it('keeps at most 1,000 such pages: beyond that the oldest is forgotten', async function () {
      this.timeout(30_000);
      const { server, send, handled } = await wrongForms();
      try {
        for (let code = 0; code <= 1_000; code += 1) await send(code);
        expect(handled.get('/wrong')).to.equal(1_001);

        expect(await send(1_000), 'the newest is kept').to.equal('wrong, try 1001');
        expect(await send(1), 'the second oldest too').to.equal('wrong, try 2');
        expect(await send(0), 'the oldest is not').to.equal('wrong, try 1002');
      } finally {
        await server.close();
      }
    });

    it('keeps at most 8 MB of such pages, and none over 32 KB: what was typed cannot fill the memory', async function () {
      this.timeout(30_000);
      const { server, send, handled } = await wrongForms();
      try {
        const pad = 'x'.repeat(30_000); // pages of 30 KB: 279 fit in 8 MB
        for (let code = 0; code < 300; code += 1) await send(code, pad);

        expect(await send(299, pad), 'the newest is kept').to.equal('wrong, try 300');
        expect(await send(25, pad), 'one of the 279 newest').to.equal('wrong, try 26');
        expect(await send(0, pad), 'the oldest is not').to.equal('wrong, try 301');

        const large = 'x'.repeat(40_000);
        await send(1_000, large);
        expect(await send(1_000, large), 'a page over 32 KB is not kept').to.equal('wrong, try 303');
        expect(handled.get('/wrong')).to.equal(303);
      } finally {
        await server.close();
      }
    });
  });

  describe('on two instances that share the sessions and the claims (a load balancer without sticky sessions)', () => {
    it('sends a repeat on the other instance, that came while the first moved the session, to where the first led with the new session', async () => {
      const [a, b] = await twoInstances({ beforeMoveMs: 100, afterMoveMs: 300 });
      try {
        const cookie = cookieOf(await fetch(`${a.url}/start`));
        const first = postForm(`${a.url}/verify`, cookie);
        await new Promise((resolve) => setTimeout(resolve, 250)); // the session has moved; the first is not answered yet
        const second = await postForm(`${b.url}/verify`, cookie);
        expect((await first).status).to.equal(302);

        expect(`${second.status} ${second.headers.get('location')}`).to.equal('302 /done');
        const kept = cookieOf(second);
        expect(kept, 'the new session\'s cookie').to.match(/^connect\.sid=/).and.not.equal(cookie);
        expect(await (await fetch(`${b.url}/done`, { headers: { cookie: kept } })).text()).to.equal('full');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('sends one that comes after the first was answered (its session gone) there too, not to "your session expired"', async () => {
      const [a, b] = await twoInstances({ afterMoveMs: 0 });
      try {
        const cookie = cookieOf(await fetch(`${a.url}/start`));
        const first = await postForm(`${a.url}/verify`, cookie);
        expect(first.status).to.equal(302);
        expect(await (await fetch(`${a.url}/done`, { headers: { cookie } })).text(), 'the old session is gone').to.equal('no session');

        const second = await postForm(`${b.url}/verify`, cookie);

        expect(`${second.status} ${second.headers.get('location')}`).to.equal('302 /done');
        expect(await (await fetch(`${b.url}/done`, { headers: { cookie: cookieOf(second) } })).text()).to.equal('full');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('sends on one that comes late with the new session\'s cookie, whose form the new state would refuse', async () => {
      const [a, b] = await twoInstances({ afterMoveMs: 0 });
      try {
        const cookie = cookieOf(await fetch(`${a.url}/start`));
        const kept = cookieOf(await postForm(`${a.url}/verify`, cookie));

        const second = await postForm(`${b.url}/verify`, kept);

        expect(`${second.status} ${second.headers.get('location')}`, 'not sent back to the start').to.equal('302 /done');
        expect(await (await fetch(`${b.url}/done`, { headers: { cookie: kept } })).text()).to.equal('full');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('does not hold up a repeat of a form that failed after it moved the session', async () => {
      const [a, b] = await twoInstances({ afterMoveMs: 0, failsAfterMove: true });
      try {
        const cookie = cookieOf(await fetch(`${a.url}/start`));
        expect((await postForm(`${a.url}/verify`, cookie)).status).to.equal(403);
        const started = Date.now();

        const second = await postForm(`${b.url}/verify`, cookie);

        expect(second.status, 'refused: its session is gone').to.equal(403);
        expect(Date.now() - started, 'at once, not after the wait for a first that is still busy').to.be.below(1000);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
});
