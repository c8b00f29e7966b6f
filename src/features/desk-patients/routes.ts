import { Router } from 'express';
import type { StaffMember } from '../../domain/staff';
import type { AuthLevels } from '../../http/auth-level';
import type { OneSubmission } from '../../http/one-submission';
import { paths } from '../../paths';
import { ACTION_PATHS, type DeskPatientsController, type PatientAction } from './controller';

export function deskPatientsRoutes(controller: DeskPatientsController, auth: AuthLevels<StaffMember>, oneSubmission: OneSubmission): Router {
  const router = Router();
  const { patients, patient, patientActivity, patientDeskActions, patientPasswordGiven } = paths.desk;
  // An action sent twice (a double click): the second goes to the patient's page, which shows the
  // change, or to the temporary password the first gave, which it shows.
  const once = oneSubmission((req) => patient(String(req.params.id)));
  const onceThenPassword = oneSubmission((req) => patientPasswordGiven(String(req.params.id)));
  router.get(patients, auth.signedIn, controller.showSearch);
  router.post(patients, auth.signedIn, controller.search);
  router.get(patient(':id'), auth.signedIn, controller.showPatient);
  router.get(patientActivity(':id'), auth.signedIn, controller.showActivity);
  router.get(patientDeskActions(':id'), auth.signedIn, controller.showDeskActions);
  for (const action of Object.keys(ACTION_PATHS) as PatientAction[]) {
    router.get(ACTION_PATHS[action](':id'), auth.signedIn, controller.showAction(action));
    router.post(ACTION_PATHS[action](':id'), auth.signedIn, action === 'password' ? onceThenPassword : once, controller.doAction(action));
  }
  router.get(patientPasswordGiven(':id'), auth.signedIn, controller.showPasswordGiven);
  return router;
}
