import http from 'node:http';
import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { systemClock } from '../../src/domain/clock';
import { createOneSubmission } from '../../src/http/one-submission';
import { createLogger } from '../../src/infra/logger';
import { listen } from '../support/http-client';

declare module 'express-session' {
  interface SessionData {
    step: string;
  }
}

/**
 * The guard on its own, around a form that, like a sign-in step, gives the session a new id and
 * takes a while: the browser drops the first request of a double click while it is handled.
 */
function formApp(handlingMs: number) {
  const app = express();
  const logger = createLogger('silent');
  app.use((req, _res, next) => {
    req.log = logger;
    next();
  });
  app.use(session({ secret: 'a test secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }));
  app.use(express.urlencoded({ extended: false }));
  const once = createOneSubmission({ limiters: async (options) => new RateLimiterMemory(options), key: Buffer.from('a test key'), sessionSecrets: ['a test secret'], clock: systemClock });
  app.get('/start', (req, res) => {
    req.session.step = 'half';
    res.send('started');
  });
  app.post('/verify', once(() => '/done'), (req, res, next) => {
    if (req.session.step !== 'half') return res.redirect(303, '/start');
    setTimeout(() => {
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.step = 'full';
        res.redirect(303, '/done');
      });
    }, handlingMs);
  });
  app.get('/done', (req, res) => res.send(req.session.step ?? 'no session'));
  return app;
}

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
    const server = await listen(formApp(300));
    try {
      const cookie = cookieOf(await fetch(`${server.url}/start`));
      const first = await sendAndDrop(`${server.url}/verify`, cookie, 50);
      expect(first.answered, 'the first was still being handled').to.equal(false);

      const second = await fetch(`${server.url}/verify`, {
        method: 'POST', redirect: 'manual', body: 'code=123456',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });

      expect(`${second.status} ${second.headers.get('location')}`).to.equal('303 /done');
      const kept = cookieOf(second);
      expect(kept, 'the new session\'s cookie').to.match(/^connect\.sid=/).and.not.equal(cookie);
      expect(await (await fetch(`${server.url}/done`, { headers: { cookie: kept } })).text()).to.equal('full');
    } finally {
      await server.close();
    }
  });
});
