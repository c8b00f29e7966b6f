import type { Request, Response } from 'express';
import { formatRecoveryCode, type RecoveryCodes } from '../../domain/recovery-codes';
import type { Clock } from '../../domain/clock';
import type { SecretBox } from '../../domain/secret-box';
import { STAFF_TOTP_ISSUER, TOTP_ISSUER } from '../../domain/totp';

/**
 * New codes and when they were made (epoch ms): the page, the printout and the file say it, so
 * that after making new codes the current printout or file can be told from an old one.
 */
export interface NewCodes {
  codes: string[];
  /** Unknown for codes sealed before the time was kept (an update during the wizard). */
  madeAt?: number;
}

/**
 * Recovery codes waiting to be saved live in the session only sealed (AES-256-GCM with the secret
 * box's key), so a session store that leaks does not leak them.
 */
export const sealCodes = (box: SecretBox, codes: NewCodes): string => box.seal(JSON.stringify(codes));

export function openCodes(box: SecretBox, sealed: string): NewCodes {
  const opened = box.open(sealed);
  // Sealed before the time was kept: the codes only, separated by commas.
  return opened.startsWith('{') ? (JSON.parse(opened) as NewCodes) : { codes: opened.split(',') };
}

/**
 * Whose codes they are: the e-mail address, and the name the account goes by in the authenticator
 * app (domain/totp.ts), so a staff member who is also a patient can tell the desk's codes apart.
 */
export interface CodesAccount {
  email: string;
  issuer: string;
}

export const patientCodes = (email: string): CodesAccount => ({ email, issuer: TOTP_ISSUER });
export const staffCodes = (email: string): CodesAccount => ({ email, issuer: STAFF_TOTP_ISSUER });

/** The name of the codes' file, in the page's language: karify-herstelcodes.txt, karify-balie-herstelcodes.txt. */
const codesFileName = (res: Response, { issuer }: CodesAccount): string =>
  res.locals.t('recoveryCodes.fileName', { issuer: issuer.toLowerCase().replaceAll(' ', '-') });

/** "Gemaakt op 9 februari 2021 om 13:15", in the page's language and the portal's time zone; null when unknown. */
function madeAtText(res: Response, { madeAt }: NewCodes): string | null {
  const { t, formatDate, formatTime } = res.locals;
  return madeAt === undefined ? null : t('recoveryCodes.madeAt', { date: formatDate(madeAt), time: formatTime(madeAt) });
}

/** What the codes' block needs (views/components/recovery-codes/list.ejs). */
const codesBlockLocals = (res: Response, codes: NewCodes) => ({
  recoveryCodes: codes.codes.map(formatRecoveryCode),
  codesMadeAt: madeAtText(res, codes),
});

/** What a page that shows the codes needs (views/components/recovery-codes/show.ejs). */
export const codesPageLocals = (res: Response, codes: NewCodes, account: CodesAccount) => ({
  ...codesBlockLocals(res, codes),
  codesFile: codesFileName(res, account),
});

/** The printable page of the account's recovery codes; `backPath` is where "back" leads. */
export function renderPrintableCodes(res: Response, codes: NewCodes, backPath: string, account: CodesAccount): void {
  res.render('components/recovery-codes/print', { ...codesBlockLocals(res, codes), backPath, account });
}

/** The recovery codes as a .txt attachment named in the page's language, with when they were made and the warning from the manual. */
export function sendCodesFile(res: Response, codes: NewCodes, { email, issuer }: CodesAccount): void {
  const t = res.locals.t;
  const madeAt = madeAtText(res, codes);
  const lines = [
    t('recoveryCodes.fileHeader', { email, issuer }),
    ...(madeAt ? [madeAt] : []),
    '',
    ...codes.codes.map(formatRecoveryCode),
    '',
    t('recoveryCodes.fileOnce'),
    t('recoveryCodes.warning'),
    '',
  ];
  res.type('text/plain; charset=utf-8');
  res.attachment(codesFileName(res, { email, issuer }));
  res.send(lines.join('\r\n'));
}

/** Where a journey keeps new recovery codes, sealed, until they are saved (src/http/session.ts). */
export type NewCodesSessionKey = 'sealedNewRecoveryCodes' | 'passkeyRecoveryCodes' | 'deskNewRecoveryCodes';

/** Waiting codes, with the stored hash of the first: what identifies the set they belong to. */
interface WaitingCodes extends NewCodes {
  firstHash: string;
}

/** The waiting codes sealed under `key`, or null for a value of another shape (kept before an update). */
function openWaiting(box: SecretBox, sealed: string): WaitingCodes | null {
  try {
    const waiting = JSON.parse(box.open(sealed)) as Partial<WaitingCodes>;
    return Array.isArray(waiting.codes) && typeof waiting.firstHash === 'string' ? (waiting as WaitingCodes) : null;
  } catch {
    return null;
  }
}

/**
 * The pages of new recovery codes that wait, sealed in the session under `key`, until the account
 * holder says they saved them: the codes (`view`, at `codesPath`), their printable page and their
 * file. They are shown only while they are still the account's codes: codes replaced meanwhile
 * (two-step turned off and on again, new codes made on another page) are forgotten, not shown as
 * new. Without codes waiting, each page sends to `elsewhere`.
 */
export function newCodesPages(options: {
  secretBox: SecretBox;
  /** The account's codes (patients' or staff's), to check the waiting ones are still theirs. */
  recoveryCodes: Pick<RecoveryCodes, 'isCurrent'>;
  key: NewCodesSessionKey;
  view: string;
  codesPath: string;
  elsewhere: string;
  accountOf(req: Request): { id: number; email: string };
  /** The name the account goes by in the authenticator app. */
  issuer: string;
  /** When the codes kept were made. */
  clock: Pick<Clock, 'now'>;
}) {
  const { secretBox, key } = options;
  const codesAccount = (req: Request): CodesAccount => ({ email: options.accountOf(req).email, issuer: options.issuer });

  /** The codes waiting in the session if they are still the account's; otherwise null, and they are forgotten. */
  async function current(req: Request): Promise<NewCodes | null> {
    const sealed = req.session[key];
    if (!sealed) return null;
    const waiting = openWaiting(secretBox, sealed);
    if (waiting && (await options.recoveryCodes.isCurrent(options.accountOf(req).id, waiting.firstHash))) return waiting;
    delete req.session[key];
    return null;
  }

  const waiting = (handle: (req: Request, res: Response, codes: NewCodes) => void) => async (req: Request, res: Response) => {
    const codes = await current(req);
    if (!codes) return res.redirect(options.elsewhere);
    handle(req, res, codes);
  };
  return {
    /** Keeps `codes`, just stored under `hashes` (in the same order), until they are saved. */
    keep(req: Request, codes: string[], hashes: string[]): void {
      const waiting: WaitingCodes = { codes, firstHash: hashes[0]!, madeAt: options.clock.now() };
      req.session[key] = secretBox.seal(JSON.stringify(waiting));
    },
    forget(req: Request): void {
      delete req.session[key];
    },
    /** New codes are waiting to be saved: a second "make new codes" shows them instead of making more. */
    isWaiting: async (req: Request): Promise<boolean> => (await current(req)) !== null,
    /** The controller's handlers of the three pages. */
    pages: {
      showCodes: waiting((req, res, codes) => res.render(options.view, codesPageLocals(res, codes, codesAccount(req)))),
      printCodes: waiting((req, res, codes) => renderPrintableCodes(res, codes, options.codesPath, codesAccount(req))),
      downloadCodes: waiting((req, res, codes) => sendCodesFile(res, codes, codesAccount(req))),
    },
  };
}
