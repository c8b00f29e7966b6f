import { Router } from 'express';
import type { Store } from 'express-session';
import { createDeskAccess, deskNotFound, isDeskPath } from '../components/desk-access/access';
import type { Config } from '../config';
import type { AuthLevels } from '../http/auth-level';
import type { AppPassport } from '../http/authentication';
import type { ExpiredFormPages } from '../http/csrf';
import type { OneSubmission } from '../http/one-submission';
import type { Database } from '../infra/database';
import type { RedisClient } from '../infra/redis';
import type { Services } from '../services';
import { createAccountController } from './account/controller';
import { accountRoutes } from './account/routes';
import { createDeskEnrolmentController } from './desk-enrolment/controller';
import { deskEnrolmentRoutes } from './desk-enrolment/routes';
import { createDeskPatientsController } from './desk-patients/controller';
import { createDeskPasskeysController } from './desk-passkeys/controller';
import { deskPasskeysRoutes } from './desk-passkeys/routes';
import { createDeskPasswordController } from './desk-password/controller';
import { deskPasswordRoutes } from './desk-password/routes';
import { deskPatientsRoutes } from './desk-patients/routes';
import { createDeskRecoveryCodesController } from './desk-recovery-codes/controller';
import { deskRecoveryCodesRoutes } from './desk-recovery-codes/routes';
import { createDeskQuestionsController } from './desk-questions/controller';
import { deskQuestionsRoutes } from './desk-questions/routes';
import { createDeskSignInController } from './desk-sign-in/controller';
import { deskSignInRoutes } from './desk-sign-in/routes';
import { createDeskStaffController } from './desk-staff/controller';
import { deskStaffRoutes } from './desk-staff/routes';
import { createDevOutboxController } from './dev-outbox/controller';
import { devOutboxRoutes } from './dev-outbox/routes';
import { createDevMailOutboxController } from './dev-mail-outbox/controller';
import { devMailOutboxRoutes } from './dev-mail-outbox/routes';
import { createConfirmationController } from './fresh-confirmation/controller';
import { confirmationRoutes } from './fresh-confirmation/routes';
import { createHealthController } from './health/controller';
import { healthRoutes } from './health/routes';
import { createHelpQuestionController } from './help-question/controller';
import { helpQuestionRoutes } from './help-question/routes';
import { createInboxController } from './inbox/controller';
import { inboxRoutes } from './inbox/routes';
import { createInfoPagesController } from './info-pages/controller';
import { infoPageRoutes } from './info-pages/routes';
import { createLanguageController } from './language/controller';
import { languageMemoryRoutes, languageRoutes } from './language/routes';
import { createPasskeysController } from './passkeys/controller';
import { passkeysRoutes } from './passkeys/routes';
import { createOwnPasswordController } from './own-password/controller';
import { ownPasswordRoutes } from './own-password/routes';
import { createPasswordChangeController } from './password-change/controller';
import { passwordChangeRoutes } from './password-change/routes';
import { createSecurityActivityController } from './security-activity/controller';
import { securityActivityRoutes } from './security-activity/routes';
import { createSignInController } from './sign-in/controller';
import { signInRoutes } from './sign-in/routes';
import { createSecondStepController } from './sign-in-second-step/controller';
import { secondStepRoutes } from './sign-in-second-step/routes';
import { createManageController } from './two-factor-manage/controller';
import { manageRoutes } from './two-factor-manage/routes';
import { createSetupController } from './two-factor-setup/controller';
import { setupRoutes } from './two-factor-setup/routes';
import { createTwoFactorStatusController } from './two-factor-status/controller';
import { twoFactorStatusRoutes } from './two-factor-status/routes';
import { createWellKnownController } from './well-known/controller';
import { wellKnownRoutes } from './well-known/routes';
import { createWorkspaceController } from './workspace/controller';
import { workspaceRoutes } from './workspace/routes';

export { FOOTER_PAGES } from './info-pages/pages';

export interface FeatureDeps {
  config: Config;
  services: Services;
  db: Database;
  redis?: RedisClient;
  passport: AppPassport;
  auth: AuthLevels;
  deskSessionStore: Store;
  /** For forms that use up a one-time code: a double click is handled once. */
  oneSubmission: OneSubmission;
  /** For forms left open for longer than a session lasts: shown again when sent too late. */
  expiredForms: ExpiredFormPages;
}

/** The journeys that come before sessions: they must work without the session store. */
export function sessionlessRoutes({ config, services, db, redis, auth }: FeatureDeps): Router[] {
  return [
    healthRoutes(createHealthController({ db, redis })),
    wellKnownRoutes(createWellKnownController({ siteOrigin: config.webauthn.origin, securityContacts: config.securityContacts, clock: services.clock })),
    languageRoutes(createLanguageController({ isProduction: config.isProduction, users: services.users, auth })),
  ];
}

/** Every other journey, each a folder of its own: controller (with its dependencies), routes, validation. */
export function journeyRoutes({ config, services, passport, auth, oneSubmission, expiredForms }: FeatureDeps): Router[] {
  const { sms, twoFactor } = config;
  const secondStep = createSecondStepController({ ...services, auth });
  return [
    languageMemoryRoutes(createLanguageController({ isProduction: config.isProduction, users: services.users, auth })),
    signInRoutes(createSignInController({ ...services, passport, auth, beginSecondStep: secondStep.begin }), oneSubmission, expiredForms),
    secondStepRoutes(secondStep, auth, oneSubmission),
    workspaceRoutes(createWorkspaceController({ ...services, auth }), auth),
    twoFactorStatusRoutes(createTwoFactorStatusController(services), auth),
    setupRoutes(createSetupController({ ...services, auth, allowedCountries: sms.allowedCountries }), auth, oneSubmission),
    confirmationRoutes(createConfirmationController({ ...services, auth }), auth, oneSubmission),
    manageRoutes(createManageController({ ...services, auth, allowedCountries: sms.allowedCountries, twoFactorRequired: twoFactor.required }), auth, oneSubmission),
    passwordChangeRoutes(createPasswordChangeController({ ...services, auth }), auth, oneSubmission),
    ownPasswordRoutes(createOwnPasswordController({ ...services, auth }), auth, oneSubmission),
    securityActivityRoutes(createSecurityActivityController({ ...services, auth }), auth, oneSubmission),
    inboxRoutes(createInboxController(services), auth),
    accountRoutes(createAccountController(), auth),
    infoPageRoutes(createInfoPagesController(), auth),
    helpQuestionRoutes(createHelpQuestionController(services), oneSubmission, expiredForms),
    passkeysRoutes(createPasskeysController({ ...services, auth }), auth, oneSubmission),
    ...(services.outbox && !config.isProduction ? [devOutboxRoutes(createDevOutboxController({ outbox: services.outbox }))] : []),
    ...(config.mail.provider === 'outbox' && !config.isProduction ? [devMailOutboxRoutes(createDevMailOutboxController(services))] : []),
  ];
}

/**
 * The clinic's desk ("Balie", /balie): its own session, passport and authentication levels
 * (components/desk-access), then its journeys. Mounted before the patients' session: every
 * request under /balie ends here (a 404 included), so a patient's session is never loaded on a
 * desk page; every other request passes by untouched.
 */
export function deskRoutes({ config, services, deskSessionStore, oneSubmission, expiredForms }: FeatureDeps): Router {
  const { auth, passport, stack } = createDeskAccess({ config, services, sessionStore: deskSessionStore });
  const router = Router();
  router.use((req, _res, next) => next(isDeskPath(req.path) ? undefined : 'router'));
  router.use(stack);
  router.use(
    deskSignInRoutes(createDeskSignInController({ ...services, passport, auth }), auth, oneSubmission, expiredForms),
    deskEnrolmentRoutes(createDeskEnrolmentController({ ...services, auth }), auth, oneSubmission),
    deskPasswordRoutes(createDeskPasswordController({ ...services, auth }), auth, oneSubmission),
    deskPasskeysRoutes(createDeskPasskeysController({ ...services, auth }), auth, oneSubmission),
    deskRecoveryCodesRoutes(createDeskRecoveryCodesController({ ...services, auth }), auth, oneSubmission),
    deskPatientsRoutes(
      createDeskPatientsController({ ...services, auth, twoFactorRequired: config.twoFactor.required, patientOneTimePasswordDays: config.patientOneTimePasswordDays, siteOrigin: config.webauthn.origin }),
      auth,
      oneSubmission,
    ),
    deskQuestionsRoutes(createDeskQuestionsController(services), auth),
    deskStaffRoutes(createDeskStaffController({ ...services, auth, siteOrigin: config.webauthn.origin, oneTimePasswordDays: config.desk.oneTimePasswordDays }), auth, oneSubmission),
  );
  router.use(deskNotFound);
  return router;
}
