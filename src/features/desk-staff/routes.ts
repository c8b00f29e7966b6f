import { Router, type RequestHandler } from 'express';
import { requireRole } from '../../components/desk-access/access';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import { STAFF_ACTIONS, type DeskStaffController } from './controller';

const backToMember: RequestHandler = (req, res) => res.redirect(paths.desk.staffMember(String(req.params.id)));

/** Admins only: a desk employee gets the Dutch 403 page. */
export function deskStaffRoutes(controller: DeskStaffController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  const { staff, newStaff, staffAdded, staffMember, staffRole, staffPasswordGiven, log } = paths.desk;
  const admin = [auth.signedIn, requireRole('admin')];
  // A form sent twice at once (a double click) is handled once; the second is sent where the first leads.
  const onceThenMember = oneSubmission((req) => staffMember(String(req.params.id)));
  router.get(staff, admin, controller.list);
  router.get(newStaff, admin, controller.showNew);
  router.post(newStaff, admin, oneSubmission(() => staffAdded), controller.create);
  router.get(staffAdded, admin, controller.showOneTimePassword('added'));
  router.get(staffMember(':id'), admin, controller.show);
  router.post(staffRole(':id'), admin, onceThenMember, controller.changeRole);
  // The Rol form is on the member's page: its address, where a refused change is shown, leads back there.
  router.get(staffRole(':id'), admin, backToMember);
  for (const { action, path, leadsTo } of STAFF_ACTIONS) {
    router.get(path(':id'), admin, controller.showAction(action));
    router.post(path(':id'), admin, oneSubmission((req) => leadsTo(String(req.params.id))), controller.doAction(action));
  }
  router.get(staffPasswordGiven(':id'), admin, controller.showOneTimePassword('reset'));
  router.get(log, admin, controller.log);
  return router;
}
