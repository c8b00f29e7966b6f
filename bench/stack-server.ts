import path from 'node:path';
import express from 'express';
import { Passport } from 'passport';
import { loadConfig } from '../src/config';
import { csrfProtection } from '../src/http/csrf';
import { noStore, securityHeaders } from '../src/http/security-headers';
import { sessionMiddleware } from '../src/http/session';
import { createDatabase, createReadDatabase } from '../src/infra/database';
import { createLogger } from '../src/infra/logger';
import { connectRedis } from '../src/infra/redis';
import { createSessionStore } from '../src/infra/session-store';

/*
 * The stack ceiling: the app's middleware stack doing almost nothing, on the same backend as the
 * app rows it is compared with. Helmet with the app's CSP, express-session on the app's store (knex
 * on SQLite or PostgreSQL, or Redis), passport's session strategy, the app's CSRF middleware,
 * express.urlencoded and one EJS template rendered by Express, padded to the size of the app's page.
 * Not here, because they are the app's own work: the request log, static files, the language and
 * translations, the session timeouts and the app's routers and queries.
 *
 * GET /page               a page for an anonymous visitor (like the sign-in page)
 * GET /signed-in          the same page for a signed-in session: session read + passport deserialize
 * GET /enter?email=E      signs the patient E in (req.login: new session, saved), for the bench to collect cookies
 *
 * Configured like the app, from the environment (src/config); CEILING_PAGE_BYTES and
 * CEILING_SIGNED_IN_BYTES are the sizes to pad the two pages to.
 */

interface SessionUser {
  id: number;
  name: string;
}

const LINE = 'Klik op een opdracht of pakket om deze te openen.';

/** Lines of text that make the page about `bytes` long. */
function padding(bytes: number, base: number): string[] {
  const perLine = `<li>${LINE}</li>\n`.length;
  return Array.from({ length: Math.max(0, Math.round((bytes - base) / perLine)) }, () => LINE);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('silent');
  const db = createDatabase(config.database, logger);
  const reads = createReadDatabase(config.database, db, logger);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;

  const passport = new Passport();
  passport.serializeUser<{ id: number }>((user, done) => done(null, { id: (user as SessionUser).id }));
  // What any passport session app does: the user by id (the app also checks the same row's state).
  passport.deserializeUser<{ id: number }>((serialized, done) => {
    reads('users').where({ id: serialized.id }).first('id', 'name')
      .then((user: SessionUser | undefined) => done(null, (user ?? false) as Express.User | false))
      .catch(done);
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('views', [path.join(__dirname, 'stack-views')]);
  app.set('view engine', 'ejs');
  app.set('view cache', true);

  app.use(securityHeaders(config.isProduction));
  app.use(noStore);
  app.use(sessionMiddleware(config, createSessionStore({ db, reads, redis })));
  app.use(passport.session());
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimitBytes, parameterLimit: 50 }));
  app.use(csrfProtection());

  const empty = { title: 'Inloggen', user: null, csrfToken: () => 'x'.repeat(64), lines: [] as string[] };
  const base = await new Promise<number>((resolve, reject) =>
    app.render('page', empty, (err, html) => (err ? reject(err) : resolve(Buffer.byteLength(html)))));
  const anonymousLines = padding(Number(process.env.CEILING_PAGE_BYTES ?? 1500), base);
  const signedInLines = padding(Number(process.env.CEILING_SIGNED_IN_BYTES ?? 4000), base + 20);

  app.get('/page', (_req, res) => res.render('page', { title: 'Inloggen', user: null, lines: anonymousLines }));
  app.get('/signed-in', (req, res) => {
    if (!req.user) return res.status(401).send('not signed in');
    res.render('page', { title: 'Werkblad', user: req.user, lines: signedInLines });
  });
  app.get('/enter', (req, res, next) => {
    reads('users').where({ email: typeof req.query.email === 'string' ? req.query.email : '' }).first('id', 'name')
      .then((user: SessionUser | undefined) => {
        if (!user) return res.status(404).send('no such patient');
        req.login(user as Express.User, (err) => (err ? next(err) : res.status(204).end()));
      })
      .catch(next);
  });

  const server = app.listen(config.port, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close(() => {
      void Promise.all([redis?.quit(), reads !== db ? reads.destroy() : undefined, db.destroy()]).finally(() => process.exit(0));
    });
  });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
