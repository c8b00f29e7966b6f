import { Router } from 'express';
import { requireRole } from '../../components/desk-access/access';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import { STAFF_ACTION_PATHS, type DeskStaffController, type StaffAction } from './controller';

/** Admins only: a desk employee gets the Dutch 403 page. */
export function deskStaffRoutes(controller: DeskStaffController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  const { staff, newStaff, staffMember, staffRole, log } = paths.desk;
  const admin = [auth.signedIn, requireRole('admin')];
  router.get(staff, admin, controller.list);
  router.get(newStaff, admin, controller.showNew);
  router.post(newStaff, admin, controller.create);
  router.get(staffMember(':id'), admin, controller.show);
  router.post(staffRole(':id'), admin, controller.changeRole);
  for (const action of Object.keys(STAFF_ACTION_PATHS) as StaffAction[]) {
    router.get(STAFF_ACTION_PATHS[action](':id'), admin, controller.showAction(action));
    router.post(STAFF_ACTION_PATHS[action](':id'), admin, controller.doAction(action));
  }
  router.get(log, admin, controller.log);
  return router;
}
