import { formatTotpKey, TOTP_ISSUER, totpUri } from '../../domain/totp';
import type { Translate } from '../../i18n';

/** How the QR code is drawn: an inline SVG, made on the server (no script, no image request). */
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 4 } as const;

export interface TotpPairing {
  /** The otpauth:// URI the QR code holds. */
  uri: string;
  /** The QR code as inline SVG with an accessible name (`label`). */
  svg: string;
  /** The secret in groups of four, for typing it into the app by hand. */
  key: string;
  /** The account the app names it by: its e-mail address. */
  account: string;
  /** The name the app shows the codes under. */
  issuer: string;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What the Koppelen page shows for this secret and account, in the page's language. */
export async function totpPairing(secret: string, email: string, t: Translate, issuer = TOTP_ISSUER): Promise<TotpPairing> {
  const uri = totpUri(secret, email, issuer);
  const label = t('totpPairing.qrLabel', { issuer });
  const { default: QRCode } = await import('qrcode'); // only the pairing pages draw one
  const raw = await QRCode.toString(uri, QR_OPTIONS);
  const name = escapeXml(label);
  const svg = raw
    .trim()
    .replace(/^<svg /, `<svg class="qr-code" role="img" aria-label="${name}" `)
    .replace('>', `><title>${name}</title>`);
  return { uri, svg, key: formatTotpKey(secret), account: email, issuer };
}
