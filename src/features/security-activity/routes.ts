import { Router } from 'express';
import type { AuditLog } from '../../domain/audit';
import { requireSignedIn } from '../../http/authentication';
import { createSecurityActivityController } from './controller';

export const SECURITY_ACTIVITY_PATH = '/account/beveiliging';

/** "Beveiligingsactiviteit": the patient's own security events, newest first. */
export function securityActivityRoutes(deps: { audit: AuditLog }): Router {
  const router = Router();
  const controller = createSecurityActivityController(deps);
  router.get(SECURITY_ACTIVITY_PATH, requireSignedIn, controller.show);
  return router;
}
