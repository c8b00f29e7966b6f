import { formatTotpKey, TOTP_ISSUER, totpUri } from '../../domain/totp';
import type { Translate } from '../../i18n';

/**
 * How the QR code is drawn: a PNG made on the server and put in the page as a data: URI (no script,
 * no image request), four pixels a module. Not an inline SVG: NetSurf and Dillo draw none.
 */
export const QR_OPTIONS = { type: 'image/png', errorCorrectionLevel: 'M', margin: 4, scale: 4 } as const;

export interface TotpPairing {
  /** The otpauth:// URI the QR code holds. */
  uri: string;
  /** The QR code: its image (a data: URI), its width and height in pixels, and its text alternative. */
  qr: { src: string; size: number; label: string };
  /** The secret in groups of four, for typing it into the app by hand. */
  key: string;
  /** The account the app names it by: its e-mail address. */
  account: string;
  /** The name the app shows the codes under. */
  issuer: string;
}

/** What the Koppelen page shows for this secret and account, in the page's language. */
export async function totpPairing(secret: string, email: string, t: Translate, issuer = TOTP_ISSUER): Promise<TotpPairing> {
  const uri = totpUri(secret, email, issuer);
  const { default: QRCode } = await import('qrcode'); // only the pairing pages draw one
  const modules = QRCode.create(uri, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules.size;
  const qr = {
    src: await QRCode.toDataURL(uri, QR_OPTIONS),
    size: (modules + 2 * QR_OPTIONS.margin) * QR_OPTIONS.scale,
    label: t('totpPairing.qrLabel', { issuer }),
  };
  return { uri, qr, key: formatTotpKey(secret), account: email, issuer };
}
