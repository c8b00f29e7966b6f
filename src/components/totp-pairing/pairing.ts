import { formatTotpKey, TOTP_ISSUER, totpUri } from '../../domain/totp';
import type { Translate } from '../../i18n';

/**
 * How the QR code is drawn: on the server, put in the page as data: URIs (no script, no image
 * request). An SVG for the browsers that draw one from a `<picture>`'s source, and a PNG of four
 * pixels a module in its `<img>` for those that do not (NetSurf, Dillo).
 */
export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;
export const QR_PNG_OPTIONS = { ...QR_OPTIONS, type: 'image/png', scale: 4 } as const;

export interface TotpPairing {
  /** The otpauth:// URI the QR code holds. */
  uri: string;
  /** The QR code: its two images (data: URIs), their width and height in pixels, and its text alternative. */
  qr: { svg: string; png: string; size: number; label: string };
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
  const modules = QRCode.create(uri, QR_OPTIONS).modules.size;
  const qr = {
    svg: `data:image/svg+xml,${encodeURIComponent(await QRCode.toString(uri, { ...QR_OPTIONS, type: 'svg' }))}`,
    png: await QRCode.toDataURL(uri, QR_PNG_OPTIONS),
    size: (modules + 2 * QR_OPTIONS.margin) * QR_PNG_OPTIONS.scale,
    label: t('totpPairing.qrLabel', { issuer }),
  };
  return { uri, qr, key: formatTotpKey(secret), account: email, issuer };
}
