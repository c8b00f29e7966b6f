import type { NextFunction, Request, Response } from 'express';

/** The steps of "Authenticatie in twee stappen instellen", in the order the progress bar shows. */
export type SetupStep = 'method' | 'phone' | 'verify' | 'recovery' | 'done';

export interface SetupState {
  step: SetupStep;
  method?: 'sms' | 'app';
  country?: string;
  phoneInput?: string;
  phone?: string; // E.164, set once an SMS was sent to it
  recoveryCodes?: string[]; // plaintext only here, until the patient confirms they saved them
}

declare module 'express-session' {
  interface SessionData {
    twoFactorSetup: SetupState;
  }
}

export const SETUP_BASE = '/account/twee-stappen/instellen';

export const STEP_PATHS: Record<SetupStep, string> = {
  method: `${SETUP_BASE}/methode`,
  phone: `${SETUP_BASE}/telefoonnummer`,
  verify: `${SETUP_BASE}/verificatie`,
  recovery: `${SETUP_BASE}/herstelcodes`,
  done: `${SETUP_BASE}/klaar`,
};

/** The four steps of the progress bar; "done" shows all four as completed. */
export const PROGRESS_STEPS: readonly SetupStep[] = ['method', 'phone', 'verify', 'recovery'];

/**
 * Which pages may be shown from where the patient is. Going back is allowed until the code is
 * verified (to choose again or change the number); after that only forward.
 */
const VIEWABLE_FROM: Record<SetupStep, readonly SetupStep[]> = {
  method: ['method', 'phone', 'verify'],
  phone: ['phone', 'verify'],
  verify: ['verify'],
  recovery: ['recovery'],
  done: ['done'],
};

/** Every state change of the wizard: where it may start and where it leads. */
export const TRANSITIONS = {
  chooseMethod: { from: ['method', 'phone', 'verify'], to: 'phone' },
  sendCode: { from: ['phone', 'verify'], to: 'verify' },
  resendCode: { from: ['verify'], to: 'verify' },
  verifyCode: { from: ['verify'], to: 'recovery' },
  confirmRecoveryCodes: { from: ['recovery'], to: 'done' },
} as const satisfies Record<string, { from: readonly SetupStep[]; to: SetupStep }>;

export type SetupTransition = keyof typeof TRANSITIONS;

export function currentState(req: Request): SetupState {
  return req.session.twoFactorSetup ?? { step: 'method' };
}

export function canShow(state: SetupState, step: SetupStep): boolean {
  return VIEWABLE_FROM[step].includes(state.step);
}

export function canApply(state: SetupState, transition: SetupTransition): boolean {
  return (TRANSITIONS[transition].from as readonly SetupStep[]).includes(state.step);
}

/** Applies a transition and merges what it carries; the caller saves the session by redirecting. */
export function applyTransition(req: Request, transition: SetupTransition, changes: Partial<SetupState> = {}): string {
  const next: SetupStep = TRANSITIONS[transition].to;
  req.session.twoFactorSetup = { ...currentState(req), ...changes, step: next };
  return STEP_PATHS[next];
}

/** GET guard: a page out of order redirects to the step the patient is on. */
export function showStep(step: SetupStep) {
  return (req: Request, res: Response, next: NextFunction) => {
    const state = currentState(req);
    if (!canShow(state, step)) return res.redirect(303, STEP_PATHS[state.step]);
    res.locals.setup = state;
    next();
  };
}

/** POST guard: a transition that is not allowed from here redirects to the current step. */
export function allowTransition(transition: SetupTransition) {
  return (req: Request, res: Response, next: NextFunction) => {
    const state = currentState(req);
    if (!canApply(state, transition)) return res.redirect(303, STEP_PATHS[state.step]);
    res.locals.setup = state;
    next();
  };
}

export interface ProgressItem {
  step: SetupStep;
  number: number;
  status: 'done' | 'current' | 'todo';
}

export function progressFor(step: SetupStep): ProgressItem[] {
  const index = step === 'done' ? PROGRESS_STEPS.length : PROGRESS_STEPS.indexOf(step);
  return PROGRESS_STEPS.map((s, i) => ({
    step: s,
    number: i + 1,
    status: i < index ? 'done' : i === index ? 'current' : 'todo',
  }));
}
