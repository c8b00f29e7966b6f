import type { Request, Response } from 'express';
import { pageOf } from '../../components/paging/newest-first';
import { describeDevice, describeEvent } from '../../components/security-events/describe';
import { handOverOneTimePassword, newOneTimePassword, takeHandedOver } from '../../components/one-time-password/hand-over';
import { findByPathId, pathId } from '../../components/desk-access/access';
import { confirmOwnIdentity, ownConfirmationAsked, type OwnConfirmationDeps } from '../../components/desk-access/identity-check';
import { staffLogRows } from '../../components/staff-log/rows';
import type { InTransaction } from '../../domain/account-stores';
import type { AuditLog, SecurityEvent } from '../../domain/audit';
import type { Clock } from '../../domain/clock';
import type { MailOutbox } from '../../domain/mail/mail-outbox';
import { type ClinicActor, endPatientSessions, givePatientOneTimePassword, resetTwoFactor, setPatientDisabled } from '../../domain/clinic-actions';
import type { PasskeyStore } from '../../domain/passkeys';
import type { PasswordHasher } from '../../domain/passwords';
import type { RandomSource } from '../../domain/random';
import type { SecretBox } from '../../domain/secret-box';
import type { SignInService } from '../../domain/sign-in';
import { passwordState } from '../../domain/one-time-passwords';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { SecondStepLockout } from '../../domain/second-step-lockout';
import type { StaffAuditLog, StaffEventType } from '../../domain/staff-audit';
import type { TwoFactorMethod, TwoFactorStatus, TwoFactorStore } from '../../domain/two-factor';
import { normalizeEmail, type User, type UserStore } from '../../domain/users';
import { requestOrigin } from '../../http/authentication';
import { readFields, renderFormErrors } from '../../http/forms';
import type { Translate } from '../../i18n';
import { paths } from '../../paths';
import { redirectWithNotice, takePageNoticeText } from '../../http/page-notice';
import { validateAction, validateSearch } from './validation';

const { desk } = paths;
const RESULTS_MAX = 50;
/** Rows of each list on a patient's page; the rest on pages of their own. */
const ACTIVITY_SHOWN = 10;
/** The desk's own looking is in the Logboek, not among what it did to the account. */
const HISTORY_LEAVES_OUT: StaffEventType[] = ['patient_viewed'];

/** What the search page (the desk's first page) says after a staff member's own setup step. */
const SEARCH_NOTICES = {
  twoStepSetUp: 'deskPatients.search.setUp',
  ownPasswordChosen: 'deskPatients.search.passwordChosen',
} as const;

/** A patient's security events as the desk's tables show them (the device and network as stored). */
function activityRows(events: SecurityEvent[], res: Response) {
  const { t, formatDate, formatTime } = res.locals;
  return events.map((event) => ({
    id: event.id,
    datetime: new Date(event.createdAt).toISOString(),
    when: t('dates.at', { date: formatDate(event.createdAt), time: formatTime(event.createdAt) }),
    description: describeEvent(t, event, 'desk'),
    // An admin command has no browser: said as what it was.
    device: event.details?.by === 'admin-cli' ? t('deskPatients.patient.byAdminCommand') : describeDevice(t, event.userAgent),
    ip: event.ip,
  }));
}

export type PatientAction = 'reset' | 'password' | 'disable' | 'enable' | 'endSessions';

type ActionStores = Parameters<Parameters<InTransaction>[0]>[0];

interface ActionSpec {
  /** Whether it can be done to this patient now (otherwise the page says so). */
  applies(patient: User, status: TwoFactorStatus): boolean;
  /**
   * Does it with the transaction's stores, with its Logboek line; false when there was nothing to do
   * after all. `password`: the one-time password made for it, for an action that `givesPassword`.
   */
  run(stores: ActionStores, patient: User, by: ClinicActor, password: { hash: string; until: number } | null): Promise<boolean>;
  identityCheck: boolean;
  /** Lets someone into the account: the staff member confirms who they are too (components/desk-access/identity-check). */
  asksOwnConfirmation?: true;
  /** Makes a one-time password (before the transaction: hashing is slow), shown once afterwards instead of the patient's page. */
  givesPassword?: true;
  /** Not for a disabled account, and the page says so (rather than that a colleague may have done it). */
  needsEnabledAccount?: true;
  /** Full locale keys of the confirmation page and of the notice afterwards; `whatIfRequired` under REQUIRE_TWO_FACTOR. */
  texts: { title: string; what: string; whatIfRequired?: string; reasonHint: string; submit: string; done: string };
}

/** What the desk can do to a patient's account; each is confirmed on a page of its own, with a reason. */
const ACTIONS: Record<PatientAction, ActionSpec> = {
  reset: {
    applies: (_patient, status) => status.enabled,
    run: async (stores, patient, by) => (await resetTwoFactor(stores, patient.id, by)) !== null,
    identityCheck: true,
    asksOwnConfirmation: true,
    texts: { title: 'deskPatients.reset.title', what: 'deskPatients.reset.what', whatIfRequired: 'deskPatients.reset.whatIfRequired', reasonHint: 'deskPatients.reset.reasonHint', submit: 'deskPatients.reset.submit', done: 'deskPatients.reset.done' },
  },
  password: {
    applies: (patient) => !patient.disabled,
    run: (stores, patient, by, password) => givePatientOneTimePassword(stores, patient.id, password!, by),
    identityCheck: true,
    asksOwnConfirmation: true,
    givesPassword: true,
    needsEnabledAccount: true,
    texts: { title: 'deskPatients.password.title', what: 'deskPatients.password.what', reasonHint: 'deskPatients.password.reasonHint', submit: 'deskPatients.password.submit', done: 'deskPatients.password.done' },
  },
  disable: {
    applies: (patient) => !patient.disabled,
    run: (stores, patient, by) => setPatientDisabled(stores, patient.id, true, by),
    identityCheck: false,
    texts: { title: 'deskPatients.disable.title', what: 'deskPatients.disable.what', reasonHint: 'deskPatients.disable.reasonHint', submit: 'deskPatients.disable.submit', done: 'deskPatients.disable.done' },
  },
  enable: {
    applies: (patient) => patient.disabled,
    run: (stores, patient, by) => setPatientDisabled(stores, patient.id, false, by),
    identityCheck: false,
    texts: { title: 'deskPatients.enable.title', what: 'deskPatients.enable.what', reasonHint: 'deskPatients.enable.reasonHint', submit: 'deskPatients.enable.submit', done: 'deskPatients.enable.done' },
  },
  endSessions: {
    applies: (patient) => !patient.disabled,
    run: (stores, patient, by) => endPatientSessions(stores, patient.id, by),
    identityCheck: false,
    texts: { title: 'deskPatients.endSessions.title', what: 'deskPatients.endSessions.what', reasonHint: 'deskPatients.endSessions.reasonHint', submit: 'deskPatients.endSessions.submit', done: 'deskPatients.endSessions.done' },
  },
};

export const ACTION_PATHS: Record<PatientAction, (id: number | string) => string> = {
  reset: desk.resetTwoFactor,
  password: desk.patientPassword,
  disable: desk.disablePatient,
  enable: desk.enablePatient,
  endSessions: desk.endSessions,
};

/** What the patient's page says after an action: its notice, or that nothing changed. */
const DONE_NOTICES = {
  reset: ACTIONS.reset.texts.done,
  password: ACTIONS.password.texts.done,
  disable: ACTIONS.disable.texts.done,
  enable: ACTIONS.enable.texts.done,
  endSessions: ACTIONS.endSessions.texts.done,
  nothing: 'deskPatients.nothingChanged',
} as const;

/** The transaction found nothing to do (someone else did it a moment before): it wrote nothing. */
class NothingToDo extends Error {}

export interface DeskPatientsDeps extends OwnConfirmationDeps {
  users: UserStore;
  twoFactor: TwoFactorStore;
  passkeys: PasskeyStore;
  audit: AuditLog;
  staffAudit: StaffAuditLog;
  inTransaction: InTransaction;
  /** How many security alert mails could not be sent, shown to admins. */
  mailOutbox: Pick<MailOutbox, 'countByStatus'>;
  /** REQUIRE_TWO_FACTOR: after a reset the patient sets two-step up again at once. */
  twoFactorRequired: boolean;
  /** Whether the patient's second step is locked now (too many wrong codes): what a caller may be ringing about. */
  lockout: Pick<SecondStepLockout, 'lockedUntil'>;
  random: RandomSource;
  hasher: PasswordHasher;
  clock: Clock;
  secretBox: SecretBox;
  /** The patients' sign-in, whose failures with a forgotten password end when a temporary one is given. */
  signIn: Pick<SignInService, 'forgetAccountFailures'>;
  /** How long a patient's one-time password works (PATIENT_ONE_TIME_PASSWORD_DAYS). */
  patientOneTimePasswordDays: number;
  /** Where patients sign in (PUBLIC_URL's origin), for the address the desk passes on with a temporary password. */
  siteOrigin: string;
}

const METHOD_LABELS: Record<TwoFactorMethod, string> = {
  sms: 'deskPatients.patient.methodSms',
  totp: 'deskPatients.patient.methodApp',
  passkey: 'deskPatients.patient.methodPasskey',
};

export type DeskPatientsController = ReturnType<typeof createDeskPatientsController>;

/**
 * "Patiënten": find a patient by e-mail address or name, see their two-step and their recent
 * activity, and (each confirmed, with a reason) reset their two-step, disable or enable their
 * account, or sign them out everywhere. Each action, its record in the patient's activity (with
 * the desk as actor; the staff member is in the staff audit log), its message in Berichten and
 * the staff audit row are one transaction.
 */
export function createDeskPatientsController(deps: DeskPatientsDeps) {
  const { users, twoFactor, staffAudit } = deps;

  const patientOf = (req: Request, res: Response) => findByPathId(req, res, users.findById);

  /** The patient of a page that shows their data, its viewing written in the Logboek. */
  async function viewedPatient(req: Request, res: Response): Promise<User | undefined> {
    const patient = await patientOf(req, res);
    if (patient) await staffAudit.record(req.staff!.id, 'patient_viewed', requestOrigin(req), undefined, { patientId: patient.id });
    return patient;
  }
  /** A staff member's own patient account (the same e-mail address): a colleague acts on it, not they. */
  const isOwnAccount = (req: Request, patient: User) => normalizeEmail(patient.email) === normalizeEmail(req.staff!.email);

  /** What the desk sees of a patient's two-step, passkeys included (a reset removes them too). */
  async function twoFactorSummary(patientId: number, status: TwoFactorStatus, t: Translate) {
    if (!status.enabled) return { method: t('deskPatients.patient.twoFactorOff'), phone: null, codesLeft: null, passkeys: 0, lockedUntil: null };
    return {
      method: t(METHOD_LABELS[status.method]),
      lockedUntil: await deps.lockout.lockedUntil(patientId),
      passkeys: await deps.passkeys.countForUser(patientId),
      phone: status.phone ? maskPhoneNumber(status.phone) : null,
      codesLeft: status.recoveryCodesLeft,
    };
  }

  async function renderAction(req: Request, res: Response, patient: User, action: PatientAction, errors: { field: string; message: string }[] = [], values: Record<string, string> = {}, errorStatus = 400) {
    const spec = ACTIONS[action];
    const status = await twoFactor.status(patient.id);
    const own = isOwnAccount(req, patient);
    const what = (deps.twoFactorRequired && spec.texts.whatIfRequired) || spec.texts.what;
    const locals = {
      patient,
      action: { ...spec.texts, what, path: ACTION_PATHS[action](patient.id), identityCheck: spec.identityCheck, applies: !own && spec.applies(patient, status) },
      ownConfirmation: ownConfirmationAsked(deps, req, spec.asksOwnConfirmation),
      notApplicable: res.locals.t(
        own ? 'deskPatients.action.ownAccount' : spec.needsEnabledAccount && patient.disabled ? 'deskPatients.action.accountDisabled' : 'deskPatients.action.notApplicable',
      ),
      twoFactor: await twoFactorSummary(patient.id, status, res.locals.t),
      passwordState: passwordState(patient, deps.clock.now()),
    };
    renderFormErrors(res, 'desk-patients/action', errors, values, locals, errors.length > 0 ? errorStatus : own ? 403 : 200);
  }

  /**
   * The search page's own locals: for an admin, how many alert mails to patients failed for good
   * (a broken mail set-up would otherwise go unnoticed; the admin command lists and resends them).
   */
  const searchLocals = async (req: Request, notice: string | null) => ({
    notice,
    failedMails: req.staff!.role === 'admin' ? (await deps.mailOutbox.countByStatus()).failed : 0,
  });

  return {
    async showSearch(req: Request, res: Response) {
      res.render('desk-patients/search', { results: null, more: false, ...(await searchLocals(req, takePageNoticeText(req, res, SEARCH_NOTICES))) });
    },

    /** A POST, so what was searched for (an e-mail address, a name) stays out of addresses and logs. */
    async search(req: Request, res: Response) {
      const { query } = readFields(req.body, ['query'] as const);
      const values = { query: query.trim() };
      const errors = validateSearch(query, res.locals.t);
      if (errors.length > 0) return renderFormErrors(res, 'desk-patients/search', errors, values, { results: null, more: false, ...(await searchLocals(req, null)) });
      const found = await users.search(values.query, RESULTS_MAX + 1);
      const results = found.slice(0, RESULTS_MAX).map((patient) => ({
        ...patient,
        methodLabel: res.locals.t(patient.twoFactorMethod ? METHOD_LABELS[patient.twoFactorMethod] : 'deskPatients.patient.twoFactorOff'),
      }));
      res.render('desk-patients/search', { values, results, more: found.length > RESULTS_MAX, ...(await searchLocals(req, null)) });
    },

    async showPatient(req: Request, res: Response) {
      const patient = await viewedPatient(req, res);
      if (!patient) return;
      const { t } = res.locals;
      const status = await twoFactor.status(patient.id);
      const events = await deps.audit.listForUser(patient.id, ACTIVITY_SHOWN + 1);
      const actionsDone = await staffAudit.list({ limit: ACTIVITY_SHOWN + 1, patientId: patient.id, leaveOut: HISTORY_LEAVES_OUT });
      const own = isOwnAccount(req, patient);
      const actions = (Object.keys(ACTIONS) as PatientAction[])
        .filter((action) => !own && ACTIONS[action].applies(patient, status))
        .map((action) => ({ href: ACTION_PATHS[action](patient.id), text: t(ACTIONS[action].texts.title) }));
      res.render('desk-patients/patient', {
        patient,
        twoFactor: await twoFactorSummary(patient.id, status, t),
        passwordState: passwordState(patient, deps.clock.now()),
        activity: activityRows(events.slice(0, ACTIVITY_SHOWN), res),
        deskActions: staffLogRows(actionsDone.slice(0, ACTIVITY_SHOWN), res.locals),
        allActivityPath: events.length > ACTIVITY_SHOWN ? desk.patientActivity(patient.id) : null,
        allDeskActionsPath: actionsDone.length > ACTIVITY_SHOWN ? desk.patientDeskActions(patient.id) : null,
        actions,
        ownAccount: own,
        notice: takePageNoticeText(req, res, DONE_NOTICES),
      });
    },

    /** All of the patient's security activity, a page at a time, newest first. */
    async showActivity(req: Request, res: Response) {
      const patient = await viewedPatient(req, res);
      if (!patient) return;
      const path = desk.patientActivity(patient.id);
      const page = await pageOf({
        list: (limit, before) => deps.audit.listForUser(patient.id, limit, before),
        newerIds: (from, limit) => deps.audit.newerIds(patient.id, from, limit),
        path,
      }, req.query.voor);
      res.render('desk-patients/history', { patient, history: 'activity', activity: activityRows(page.rows, res), newerPath: page.newerPath, olderPath: page.olderPath });
    },

    /** All the desk did to the patient's account, a page at a time, newest first. */
    async showDeskActions(req: Request, res: Response) {
      const patient = await viewedPatient(req, res);
      if (!patient) return;
      const path = desk.patientDeskActions(patient.id);
      const page = await pageOf({
        list: (limit, before) => staffAudit.list({ limit, before, patientId: patient.id, leaveOut: HISTORY_LEAVES_OUT }),
        path,
      }, req.query.voor);
      res.render('desk-patients/history', { patient, history: 'desk', deskActions: staffLogRows(page.rows, res.locals), newerPath: page.newerPath, olderPath: page.olderPath });
    },

    /** The confirmation page: what will happen, the reason field, the button. */
    showAction: (action: PatientAction) => async (req: Request, res: Response) => {
      const patient = await patientOf(req, res);
      if (patient) await renderAction(req, res, patient, action);
    },

    doAction: (action: PatientAction) => async (req: Request, res: Response) => {
      const patient = await patientOf(req, res);
      if (!patient) return;
      if (isOwnAccount(req, patient)) return renderAction(req, res, patient, action);
      const spec = ACTIONS[action];
      const fields = readFields(req.body, ['reason', 'identityChecked'] as const);
      const formErrors = validateAction(fields, spec.identityCheck, res.locals.t);
      // Done by a colleague meanwhile (the form is older): nothing to confirm, and nothing changes,
      // also when another change in between (disabled and enabled again) makes it apply by now.
      const applies = spec.applies(patient, await twoFactor.status(patient.id));
      const { errors, throttled } = await confirmOwnIdentity(deps, req, res, formErrors, applies && spec.asksOwnConfirmation);
      const values = { reason: fields.reason.trim(), identityChecked: fields.identityChecked };
      if (errors.length > 0) return renderAction(req, res, patient, action, errors, values, throttled ? 429 : 400);
      if (!applies) return redirectWithNotice(req, res, desk.patient(patient.id), 'nothing');

      const staff = req.staff!;
      const by = { staffId: staff.id, origin: requestOrigin(req), reason: fields.reason.trim() };
      const given = spec.givesPassword ? await newOneTimePassword(deps, deps.patientOneTimePasswordDays) : null;
      try {
        await deps.inTransaction(async (stores) => {
          if (!(await spec.run(stores, patient, by, given))) throw new NothingToDo();
        });
      } catch (err) {
        if (!(err instanceof NothingToDo)) throw err;
        return redirectWithNotice(req, res, desk.patient(patient.id), 'nothing');
      }
      req.log.info({ staffId: staff.id, patientId: patient.id, action }, 'desk changed a patient account');
      if (!given) return redirectWithNotice(req, res, desk.patient(patient.id), action);
      await deps.signIn.forgetAccountFailures(patient.email); // the wrong guesses at the forgotten one lock it no more
      handOverOneTimePassword(req, res, deps.secretBox, { id: patient.id, kind: 'patient', password: given.password }, desk.patientPasswordGiven(patient.id));
    },

    /** The temporary password just given, once (see components/one-time-password), with what to tell the patient. */
    async showPasswordGiven(req: Request, res: Response) {
      const given = takeHandedOver(req, res, deps.secretBox, 'patient', desk.patientPasswordGiven);
      const patient = given && (await users.findById(given.id));
      const id = pathId(req);
      if (!given || !patient) return res.redirect(id === undefined ? desk.patients : desk.patient(id));
      res.render('desk-patients/password-given', { patient, password: given.password, signInAddress: `${deps.siteOrigin}${paths.signIn}` });
    },
  };
}
