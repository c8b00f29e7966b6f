import { Router } from 'express';
import { requireRole } from '../../components/desk-access/access';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import { STAFF_ACTION_PATHS, type DeskStaffController, type StaffAction } from './controller';

/** Admins only: a desk employee gets the Dutch 403 page. */
export function deskStaffRoutes(controller: DeskStaffController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  const { staff, newStaff, staffAdded, staffMember, staffRole, log } = paths.desk;
  const admin = [auth.signedIn, requireRole('admin')];
  // A form sent twice at once (a double click) is handled once; the second is sent where the first leads.
  const onceThenMember = oneSubmission((req) => staffMember(String(req.params.id)));
  router.get(staff, admin, controller.list);
  router.get(newStaff, admin, controller.showNew);
  router.post(newStaff, admin, oneSubmission(() => staffAdded), controller.create);
  router.get(staffAdded, admin, controller.showAdded);
  router.get(staffMember(':id'), admin, controller.show);
  router.post(staffRole(':id'), admin, onceThenMember, controller.changeRole);
  for (const action of Object.keys(STAFF_ACTION_PATHS) as StaffAction[]) {
    router.get(STAFF_ACTION_PATHS[action](':id'), admin, controller.showAction(action));
    router.post(STAFF_ACTION_PATHS[action](':id'), admin, onceThenMember, controller.doAction(action));
  }
  router.get(log, admin, controller.log);
  return router;
}
