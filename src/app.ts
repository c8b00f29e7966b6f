import cookieParser from 'cookie-parser';
import express, { Express } from 'express';
import type { Store } from 'express-session';
import type { Config } from './config';
import { deskRoutes, FOOTER_PAGES, journeyRoutes, sessionlessRoutes } from './features';
import { createAuthLevels } from './http/auth-level';
import { createPassport } from './http/authentication';
import { csrfErrorHandler, csrfProtection, type ExpiredFormPages } from './http/csrf';
import { errorHandler, notFound, otherMethodsRefused } from './http/errors';
import { requestTimeout } from './http/request-timeout';
import { formBodies } from './http/forms';
import { createOneSubmission } from './http/one-submission';
import { forgetReportsOfOtherPages } from './http/page-notice';
import { requestLog } from './http/request-log';
import { noStore, securityHeaders } from './http/security-headers';
import { deskSessionSecret, sessionMiddleware, warnOfInsecureRequests } from './http/session';
import { staticAssets } from './http/static-assets';
import { useEjsViews } from './http/views';
import { exposeUser, viewLocals } from './http/view-locals';
import type { Database } from './infra/database';
import type { Logger } from './infra/logger';
import type { RedisClient } from './infra/redis';
import { paths } from './paths';
import type { Services } from './services';

export interface AppDeps {
  config: Config;
  services: Services;
  sessionStore: Store;
  deskSessionStore: Store;
  movedFormStore?: Store;
  logger: Logger;
  db: Database;
  redis?: RedisClient;
}

/** The web app: what every page shares, in order, then the journeys (src/features). */
export function createApp({ config, services, sessionStore, deskSessionStore, movedFormStore, logger, db, redis }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  useEjsViews(app, { rootDir: config.rootDir, cache: config.env !== 'development', isProduction: config.isProduction });

  const { translators } = services;
  const passport = createPassport(services);
  const assets = staticAssets(config.rootDir);
  const devOutbox = services.outbox && !config.isProduction;
  const auth = createAuthLevels({
    clock: services.clock,
    isProduction: config.isProduction,
    idleMinutes: config.session.idleTimeoutMinutes,
    absoluteHours: config.session.absoluteTimeoutHours,
    halfMinutes: config.twoFactor.halfSessionMinutes,
    freshMinutes: config.twoFactor.freshConfirmationMinutes,
    twoFactorRequired: config.twoFactor.required,
    // The public help and the footer's pages, and in development the SMS outbox, where the code to type is shown.
    openToHalf: [paths.help.twoStep, paths.help.question, paths.help.passkeys, ...FOOTER_PAGES.map((page) => page.path), ...(devOutbox ? [paths.devSmsOutbox] : [])],
  });
  const oneSubmission = createOneSubmission({
    limiters: services.limiters,
    key: config.codeHashKey,
    sessionSecrets: [config.sessionSecret, deskSessionSecret(config.sessionSecret)],
    clock: services.clock,
    sharedStore: movedFormStore,
  });
  const expiredForms: ExpiredFormPages = new Map();
  const features = { config, services, db, redis, passport, auth, deskSessionStore, oneSubmission, expiredForms };

  app.use(requestLog(logger));
  app.use(securityHeaders(config.isProduction));
  app.use(sessionlessRoutes(features));
  app.use(assets.middleware);
  app.use(noStore);
  app.use(cookieParser()); // the language cookie, read by the view locals
  app.use(viewLocals({ translators, timeZone: config.timeZone, clock: services.clock, assets: assets.urls, footerPages: FOOTER_PAGES }));
  app.use(otherMethodsRefused);
  app.use(requestTimeout(config.requestTimeoutMs));
  if (config.isProduction) app.use(warnOfInsecureRequests(logger));
  app.use(deskRoutes(features)); // /balie only, with sessions of its own: before the patients'
  app.use(sessionMiddleware(config, sessionStore));
  app.use(auth.expire);
  app.use(forgetReportsOfOtherPages);
  app.use(passport.session());
  app.use(exposeUser);
  app.use(auth.confine);
  app.use(formBodies(config.bodyLimitBytes));
  app.use(csrfProtection());
  app.use(journeyRoutes(features));

  app.use(notFound);
  app.use(oneSubmission.repeatAfterMove); // before the CSRF error page: a double click's late repeat
  app.use(csrfErrorHandler(expiredForms));
  app.use(errorHandler);
  return app;
}
