import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Express } from 'express';
import type { Store } from 'express-session';
import type { Config } from './config';
import type { Services } from './services';
import type { Database } from './infra/database';
import type { Logger } from './infra/logger';
import type { RedisClient } from './infra/redis';
import { healthRoutes } from './features/health/routes';
import { languageRoutes } from './features/language/routes';
import { createPassport } from './http/authentication';
import { csrfErrorHandler, csrfProtection } from './http/csrf';
import { errorHandler, notFound } from './http/errors';
import { verifyFormEncoding } from './http/forms';
import { requestLog } from './http/request-log';
import { noStore, securityHeaders } from './http/security-headers';
import { sessionMiddleware, sessionTimeouts } from './http/session';
import { staticAssets } from './http/static-assets';
import { exposeUser, viewLocals } from './http/view-locals';
import { pendingSignInGate, requireTwoFactorPolicy } from './http/pending-sign-in';
import { createSecondStepController } from './features/sign-in-second-step/controller';
import { secondStepRoutes } from './features/sign-in-second-step/routes';
import { createTranslators } from './i18n';
import { accountRoutes } from './features/account/routes';
import { createConfirmationController } from './features/fresh-confirmation/controller';
import { confirmationRoutes } from './features/fresh-confirmation/routes';
import { inboxRoutes } from './features/inbox/routes';
import { passwordChangeRoutes } from './features/password-change/routes';
import { createManageController } from './features/two-factor-manage/controller';
import { manageRoutes } from './features/two-factor-manage/routes';
import { infoPageRoutes } from './features/info-pages/routes';
import { securityActivityRoutes } from './features/security-activity/routes';
import { createSignInController } from './features/sign-in/controller';
import { signInRoutes } from './features/sign-in/routes';
import { createWorkspaceController } from './features/workspace/controller';
import { workspaceRoutes } from './features/workspace/routes';
import { devOutboxRoutes } from './features/dev-outbox/routes';
import { helpQuestionRoutes } from './features/help-question/routes';
import { createSetupController } from './features/two-factor-setup/controller';
import { setupRoutes } from './features/two-factor-setup/routes';
import { twoFactorStatusRoutes } from './features/two-factor-status/routes';

export interface AppDeps {
  config: Config;
  services: Services;
  sessionStore: Store;
  logger: Logger;
  db: Database;
  redis?: RedisClient;
}

export function createApp({ config, services, sessionStore, logger, db, redis }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // EJS as Express runs it (ejs.renderFile). Templates include their parts by a name under the
  // views folder, `include('partials/text-field', { … })`: EJS looks names up in this list.
  app.set('views', [path.join(config.rootDir, 'views')]);
  app.set('view engine', 'ejs');
  app.set('view cache', config.env !== 'development');

  const translators = createTranslators({ onMissing: (missing) => logger.warn({ missing }, 'translation missing') });
  const passport = createPassport(services);
  const assets = staticAssets(config.rootDir);

  app.use(requestLog(logger));
  app.use(securityHeaders(config.isProduction));
  // Before sessions: health checks must not create sessions or depend on the session store.
  app.use(healthRoutes({ db, redis }));
  app.use(assets.middleware);
  app.use(noStore);
  // The language cookie, read by the view locals.
  app.use(cookieParser());
  app.use(viewLocals({ translators, timeZone: config.timeZone, assets: assets.urls }));
  app.use(languageRoutes(config.isProduction));
  app.use(sessionMiddleware(config, sessionStore));
  app.use(sessionTimeouts(config, services.clock));
  app.use(passport.session());
  app.use(exposeUser);
  app.use(pendingSignInGate(config, services.clock));
  app.use(requireTwoFactorPolicy(config.twoFactor.required));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimitBytes, parameterLimit: 50, verify: verifyFormEncoding }));
  app.use(csrfProtection());

  const secondStep = createSecondStepController({ ...services, codeTtlMinutes: config.sms.codeTtlMinutes });
  app.use(signInRoutes(createSignInController({
    passport,
    clock: services.clock,
    audit: services.audit,
    isProduction: config.isProduction,
    beginSecondStep: secondStep.begin,
  })));
  app.use(secondStepRoutes(secondStep));
  app.use(workspaceRoutes(createWorkspaceController(services)));
  app.use(twoFactorStatusRoutes(services));
  const freshMinutes = config.twoFactor.freshConfirmationMinutes;
  app.use(setupRoutes(createSetupController({
    ...services,
    allowedCountries: config.sms.allowedCountries,
    codeTtlMinutes: config.sms.codeTtlMinutes,
  }), { clock: services.clock, freshMinutes }));
  app.use(confirmationRoutes(createConfirmationController(services)));
  app.use(manageRoutes(createManageController({
    ...services,
    allowedCountries: config.sms.allowedCountries,
    twoFactorRequired: config.twoFactor.required,
  }), services.clock, freshMinutes));
  app.use(passwordChangeRoutes({ ...services, freshMinutes }));
  app.use(securityActivityRoutes(services));
  app.use(inboxRoutes(services));
  app.use(accountRoutes());
  app.use(infoPageRoutes());
  app.use(helpQuestionRoutes(services));
  if (services.outbox && !config.isProduction) app.use(devOutboxRoutes(services.outbox));

  app.use(notFound);
  app.use(csrfErrorHandler);
  app.use(errorHandler);
  return app;
}
