import type { Request, Response } from 'express';
import type { SecondStepFailure, SecondStepResult } from '../domain/second-step';
import type { SecurityNotifier } from '../domain/security-notifier';
import { requestOrigin } from './authentication';

type Failure = Exclude<SecondStepResult, { status: 'ok' }>;

/** The message for each way a second step fails, as a full locale key (the compiler checks none is missing). */
export const SECOND_STEP_ERROR_KEYS: Record<SecondStepFailure | 'locked', string> = {
  wrong: 'secondStep.errors.wrong',
  expired: 'secondStep.errors.expired',
  exhausted: 'secondStep.errors.exhausted',
  missing: 'secondStep.errors.missing',
  wrong_recovery_code: 'secondStep.errors.wrong_recovery_code',
  replayed: 'secondStep.errors.replayed',
  locked: 'secondStep.errors.locked',
};

/**
 * Records a failed second step (a reused app code as `totp_replay_refused`, which Berichten
 * announces; a lock that it caused) and returns the message for the code field.
 */
export async function secondStepFailureMessage(
  req: Request,
  res: Response,
  notifier: SecurityNotifier,
  userId: number,
  result: Failure,
  details: Record<string, string | number> = {},
): Promise<string> {
  const { t, formatTime } = res.locals;
  const origin = requestOrigin(req);
  if (result.status === 'locked') return t('secondStep.errors.locked', { time: formatTime(result.until) });
  if (result.reason === 'missing') return t('secondStep.errors.missing');
  const type = result.reason === 'replayed' ? 'totp_replay_refused' : 'second_step_failed';
  await notifier.notify(userId, type, origin, { reason: result.reason, ...details });
  if (result.lockedUntil) {
    await notifier.notify(userId, 'second_step_locked', origin, { until: result.lockedUntil });
    return t('secondStep.errors.locked', { time: formatTime(result.lockedUntil) });
  }
  return t(SECOND_STEP_ERROR_KEYS[result.reason]);
}
