import type { NextFunction, Request, Response } from 'express';
import { paths } from '../../paths';

/** The two branches of the wizard: a code by SMS, or from an authenticator app (TOTP). */
export type SetupMethod = 'sms' | 'app';

/** The steps of "Authenticatie in twee stappen instellen"; 'phone' is SMS only, 'pair' (Koppelen) app only. */
export type SetupStep = 'method' | 'phone' | 'pair' | 'verify' | 'recovery' | 'done';

export interface SetupState {
  step: SetupStep;
  method?: SetupMethod;
  country?: string;
  phoneInput?: string;
  phone?: string; // E.164, set once an SMS was sent to it
  /** The new app's secret, sealed with the secret box; only here until two-step is on. */
  sealedTotpSecret?: string;
  totpStep?: number; // the time step of the app code that verified the pairing
  /** The recovery codes, sealed; only here until the patient says they saved them. */
  sealedRecoveryCodes?: string;
}

export const STEP_PATHS: Record<SetupStep, string> = {
  method: paths.twoStep.setup.method,
  phone: paths.twoStep.setup.phone,
  pair: paths.twoStep.setup.pair,
  verify: paths.twoStep.setup.verify,
  recovery: paths.twoStep.setup.recovery,
  done: paths.twoStep.setup.done,
};

/** The four steps of each branch's progress bar, in order; "done" shows all four as completed. */
const PROGRESS_STEPS: Record<SetupMethod, readonly SetupStep[]> = {
  sms: ['method', 'phone', 'verify', 'recovery'],
  app: ['method', 'pair', 'verify', 'recovery'],
};

/**
 * Which pages may be shown from where the patient is (and only those of the chosen branch).
 * Going back is allowed until the code is verified (to choose again, change the number or
 * scan the QR code again); after that only forward.
 */
const VIEWABLE_FROM: Record<SetupStep, readonly SetupStep[]> = {
  method: ['method', 'phone', 'pair', 'verify'],
  phone: ['phone', 'verify'],
  pair: ['pair', 'verify'],
  verify: ['verify'],
  recovery: ['recovery'],
  done: ['done'],
};

interface Transition {
  from: readonly SetupStep[];
  /** Where it leads; per method where the branches part. */
  to: SetupStep | Record<SetupMethod, SetupStep>;
  /** The branches it belongs to; all when absent. */
  only?: SetupMethod;
}

/** Every state change of the wizard: where it may start, where it leads, and in which branch. */
const TRANSITIONS = {
  chooseMethod: { from: ['method', 'phone', 'pair', 'verify'], to: { sms: 'phone', app: 'pair' } },
  sendCode: { from: ['phone', 'verify'], to: 'verify', only: 'sms' },
  resendCode: { from: ['verify'], to: 'verify', only: 'sms' },
  confirmPairing: { from: ['pair', 'verify'], to: 'verify', only: 'app' },
  verifyCode: { from: ['verify'], to: 'recovery' },
  confirmRecoveryCodes: { from: ['recovery'], to: 'done' },
} as const satisfies Record<string, Transition>;

export type SetupTransition = keyof typeof TRANSITIONS;

export function currentState(req: Request): SetupState {
  return req.session.twoFactorSetup ?? { step: 'method' };
}

/** A finished wizard is forgotten once the patient is back on the two-step overview ("Sluiten"). */
export function forgetFinishedSetup(req: Request): void {
  if (currentState(req).step === 'done') delete req.session.twoFactorSetup;
}

/** The pages of the chosen branch; before a choice only the first. */
function branchOf(state: SetupState): readonly SetupStep[] {
  return state.method ? [...PROGRESS_STEPS[state.method], 'done'] : ['method'];
}

function canShow(state: SetupState, step: SetupStep): boolean {
  return VIEWABLE_FROM[step].includes(state.step) && branchOf(state).includes(step);
}

function canApply(state: SetupState, transition: SetupTransition): boolean {
  const t: Transition = TRANSITIONS[transition];
  return t.from.includes(state.step) && (!t.only || t.only === state.method);
}

/** Applies a transition and merges what it carries; the caller saves the session by redirecting. */
export function applyTransition(req: Request, transition: SetupTransition, changes: Partial<SetupState> = {}): string {
  const state = { ...currentState(req), ...changes };
  const to: Transition['to'] = TRANSITIONS[transition].to;
  const next = typeof to === 'string' ? to : to[state.method!];
  req.session.twoFactorSetup = { ...state, step: next };
  return STEP_PATHS[next];
}

/** GET guard: a page out of order redirects to the step the patient is on. */
export function showStep(step: SetupStep) {
  return (req: Request, res: Response, next: NextFunction) => {
    const state = currentState(req);
    if (!canShow(state, step)) return res.redirect(STEP_PATHS[state.step]);
    res.locals.setup = state;
    next();
  };
}

/** POST guard: a transition that is not allowed from here redirects to the current step. */
export function allowTransition(transition: SetupTransition) {
  return (req: Request, res: Response, next: NextFunction) => {
    const state = currentState(req);
    if (!canApply(state, transition)) return res.redirect(STEP_PATHS[state.step]);
    res.locals.setup = state;
    next();
  };
}

export interface ProgressItem {
  step: SetupStep;
  number: number;
  status: 'done' | 'current' | 'todo';
}

/** The progress bar of a branch (SMS before a method is chosen). */
export function progressFor(step: SetupStep, method: SetupMethod = 'sms'): ProgressItem[] {
  const steps = PROGRESS_STEPS[method];
  const index = step === 'done' ? steps.length : steps.indexOf(step);
  return steps.map((s, i) => ({
    step: s,
    number: i + 1,
    status: i < index ? 'done' : i === index ? 'current' : 'todo',
  }));
}
