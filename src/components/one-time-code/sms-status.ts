import type { Request, Response } from 'express';
import type { Session, SessionData } from 'express-session';
import { sayOnce, type SaidOn } from '../../http/page-notice';
import { maskPhoneNumber } from '../../domain/phone-numbers';
import type { SecondFactor, SecondFactorResult, SmsCodeOutcome } from '../../domain/second-factor';
import type { SmsSendRequest } from '../../domain/sms-codes';
import type { CodePurpose } from '../../domain/verification-codes';
import { capEnd, needsNewCode, secondFactorMessage, smsProblem, type Wording } from './messages';

/**
 * What a page with an SMS code field says about the code, true in every state: a code was sent
 * and works until a time, or there is none (and why not, when the last SMS did not go out), and
 * when a new one may be asked. Rendered by views/components/one-time-code/sms-status.ejs.
 */
export interface SmsCodeStatus {
  maskedPhone: string;
  validUntil: number | null;
  /** The code's SMS may not have gone out (the provider did not answer in time): not "we sent". */
  deliveryUnsure: boolean;
  nextAllowedAt: number | null;
  /** Why the last SMS did not go out (or may not have): information, not an error of the patient's. */
  notSent: string | null;
  /** A cap refuses any new SMS code: when it lets one through, and what to do meanwhile. */
  capEnd: string | null;
  /** No SMS can come for a while: no "Stuur nieuwe code". */
  noSmsSoon: boolean;
  /** Nor a code to use (none works, or the patient was just told no SMS came): the page offers the recovery code first. */
  recoveryFirst: boolean;
  /** The patient asked for a new code and it went out. */
  resent: boolean;
}

/**
 * What a page says of a refused code; `sms`: the SMS code's request, when it was one. A message
 * that would advise a new SMS code says instead, while a cap refuses any, when one can come.
 */
export async function codeFailureMessage(
  secondFactor: SecondFactor,
  result: Exclude<SecondFactorResult, { status: 'ok' }>,
  w: Wording,
  sms?: SmsSendRequest,
): Promise<string> {
  const cap = sms && needsNewCode(result) ? await secondFactor.smsCapInForce(sms) : null;
  return secondFactorMessage(result, w, cap && sms ? { cap, purpose: sms.purpose } : undefined);
}

/** An SMS code asked for on this page: counted against its client's address, written in its language. */
export function smsSendRequest(req: Request, res: Response, code: { userId: number; purpose: CodePurpose; phone: string }): SmsSendRequest {
  return { ...code, ip: req.ip ?? 'unknown', language: res.locals.lang };
}

/** The outcome of an SMS the page has not reported yet, what it was for, and whether the patient asked for it. */
export interface LastSend {
  purpose: CodePurpose;
  outcome: SmsCodeOutcome;
  askedByPatient: boolean;
  saidOn?: SaidOn;
}

/**
 * Keeps what became of an SMS for the code page, which the patient is sent to next (a form is
 * answered with a redirect): it reports it once, and again after the language link (sayOnce), so
 * a refresh does not say again that a code was just sent, and a refusal is a notice there, not
 * an error on a code field nobody filled in.
 */
export function keepSmsReport(session: Session & Partial<SessionData>, report: LastSend): void {
  if (isSecondClick(session.lastSms, report)) return;
  session.lastSms = report;
}

/**
 * A double click's second request, after the first one's SMS went out (or may have): the cooldown
 * it meets is that SMS's, to this number. The first one's report, which the patient has not seen
 * (the browser shows the second one's page), stays: that a code was sent, or may come.
 */
function isSecondClick(kept: LastSend | undefined, report: LastSend): boolean {
  return kept !== undefined && !kept.saidOn && kept.purpose === report.purpose && (kept.outcome.status === 'sent' || kept.outcome.status === 'unsure')
    && report.outcome.status === 'cooldown' && report.outcome.earlierCode === 'this_number';
}

/** Until when what the outcome says holds: "wait until", "locked until", "works until". */
function trueUntil(outcome: SmsCodeOutcome): number {
  switch (outcome.status) {
    case 'cooldown':
      return outcome.nextAllowedAt;
    case 'unsure':
      return Math.min(outcome.nextAllowedAt, outcome.validUntil);
    case 'locked':
      return outcome.until;
    case 'limited':
      return outcome.retryAt;
    default:
      return Infinity;
  }
}

/**
 * The report kept for the code page of `purpose`, when the page is to say it now (sayOnce), and
 * only while it still holds: a wait that is over is not announced, the first time or again.
 */
export function takeSmsReport(req: Request, res: Response, purpose: CodePurpose, now: number): LastSend | undefined {
  const report = req.session.lastSms;
  if (report?.purpose !== purpose) return undefined;
  if (trueUntil(report.outcome) > now && sayOnce(req, res, report)) return report;
  delete req.session.lastSms;
  return undefined;
}

export async function smsCodeStatus(
  secondFactor: SecondFactor,
  code: SmsSendRequest,
  w: Wording,
  /** The last send, when the page is to report it (takeSmsReport). */
  last?: LastSend,
): Promise<SmsCodeStatus> {
  const { validUntil, deliveryUnsure, nextAllowedAt, cap } = await secondFactor.smsCodeState(code);
  const outcome = last?.outcome;
  const problem = outcome ? smsProblem(outcome, code.purpose, w, cap !== null, { works: validUntil !== null, deliveryUnsure }) : null;
  // While a cap refuses any new code, a cooldown's "ask again at …" would not hold: the cap says when.
  const notSent = outcome?.status === 'cooldown' && cap !== null ? null : (problem?.message ?? null);
  // An SMS that may not come: the notice says until when its code works, not that it was sent.
  const shownValidUntil = outcome?.status === 'unsure' ? null : validUntil;
  return {
    maskedPhone: maskPhoneNumber(code.phone),
    validUntil: shownValidUntil,
    deliveryUnsure,
    nextAllowedAt,
    notSent,
    // A cap's own report says when it ends; said once, the page still says it, without the button.
    // An SMS that may not come says nothing of a new code: the cap's end is said after it.
    capEnd: cap && (!notSent || outcome?.status === 'unsure') ? capEnd({ cap, purpose: code.purpose }, w, shownValidUntil !== null) : null,
    noSmsSoon: (problem?.noSmsSoon ?? false) || cap !== null,
    recoveryFirst: (problem?.noSmsSoon ?? false) || (cap !== null && shownValidUntil === null),
    resent: outcome?.status === 'sent' && Boolean(last?.askedByPatient),
  };
}
