import type { Response } from 'express';
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
