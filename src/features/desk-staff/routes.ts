import { Router } from 'express';
import { requireRole } from '../../components/desk-access/access';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import type { DeskStaffController } from './controller';

/** Admins only: a desk employee gets the Dutch 403 page. */
export function deskStaffRoutes(controller: DeskStaffController, auth: AuthLevels<StaffMember>): Router {
  const router = Router();
  const { staff, newStaff, staffMember, staffRole, disableStaff, enableStaff, resetStaffTwoFactor, log } = paths.desk;
  const admin = [auth.signedIn, requireRole('admin')];
  router.get(staff, admin, controller.list);
  router.get(newStaff, admin, controller.showNew);
  router.post(newStaff, admin, controller.create);
  router.get(staffMember(':id'), admin, controller.show);
  router.post(staffRole(':id'), admin, controller.changeRole);
  router.post(disableStaff(':id'), admin, controller.disable);
  router.post(enableStaff(':id'), admin, controller.enable);
  router.post(resetStaffTwoFactor(':id'), admin, controller.resetTwoFactor);
  router.get(log, admin, controller.log);
  return router;
}
