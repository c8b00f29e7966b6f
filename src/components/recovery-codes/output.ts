import type { Request, Response } from 'express';
import { formatRecoveryCode } from '../../domain/recovery-codes';
import type { SecretBox } from '../../domain/secret-box';

/**
 * Recovery codes waiting to be saved live in the session only sealed (AES-256-GCM with the secret
 * box's key), so a session store that leaks does not leak them.
 */
export const sealCodes = (box: SecretBox, codes: string[]): string => box.seal(codes.join(','));
export const openCodes = (box: SecretBox, sealed: string): string[] => box.open(sealed).split(',');

/** The printable page of recovery codes of the account `email`; `backPath` is where "back" leads. */
export function renderPrintableCodes(res: Response, codes: string[], backPath: string, email: string): void {
  res.render('components/recovery-codes/print', { recoveryCodes: codes.map(formatRecoveryCode), backPath, account: email });
}

/** The recovery codes as a .txt attachment, with the warning from the manual. */
export function sendCodesFile(res: Response, codes: string[], email: string): void {
  const t = res.locals.t;
  const lines = [
    t('recoveryCodes.fileHeader', { email }),
    '',
    ...codes.map(formatRecoveryCode),
    '',
    t('recoveryCodes.fileOnce'),
    t('recoveryCodes.warning'),
    '',
  ];
  res.type('text/plain; charset=utf-8');
  res.attachment('karify-herstelcodes.txt');
  res.send(lines.join('\r\n'));
}

/** Where a journey keeps new recovery codes, sealed, until they are saved (src/http/session.ts). */
export type NewCodesSessionKey = 'sealedNewRecoveryCodes' | 'passkeyRecoveryCodes' | 'deskNewRecoveryCodes';

/**
 * The pages of new recovery codes that wait, sealed in the session under `key`, until the account
 * holder says they saved them: the codes (`view`, at `codesPath`), their printable page and their
 * file. Without codes waiting, each page sends to `elsewhere`.
 */
export function newCodesPages(options: {
  secretBox: SecretBox;
  key: NewCodesSessionKey;
  view: string;
  codesPath: string;
  elsewhere: string;
  emailOf(req: Request): string;
}) {
  const { secretBox, key } = options;
  const waiting = (handle: (req: Request, res: Response, codes: string[]) => void) => (req: Request, res: Response) => {
    const sealed = req.session[key];
    if (!sealed) return res.redirect(303, options.elsewhere);
    handle(req, res, openCodes(secretBox, sealed));
  };
  return {
    keep(req: Request, codes: string[]): void {
      req.session[key] = sealCodes(secretBox, codes);
    },
    forget(req: Request): void {
      delete req.session[key];
    },
    /** New codes are waiting to be saved: a second "make new codes" shows them instead of making more. */
    isWaiting: (req: Request): boolean => Boolean(req.session[key]),
    /** The controller's handlers of the three pages. */
    pages: {
      showCodes: waiting((_req, res, codes) => res.render(options.view, { recoveryCodes: codes.map(formatRecoveryCode) })),
      printCodes: waiting((req, res, codes) => renderPrintableCodes(res, codes, options.codesPath, options.emailOf(req))),
      downloadCodes: waiting((req, res, codes) => sendCodesFile(res, codes, options.emailOf(req))),
    },
  };
}
