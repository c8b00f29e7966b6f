import { formatTotpKey, totpUri } from '../../domain/totp';

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
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What the Koppelen page shows for this secret and account. */
export async function totpPairing(secret: string, email: string, label: string): Promise<TotpPairing> {
  const uri = totpUri(secret, email);
  const { default: QRCode } = await import('qrcode'); // only the pairing pages draw one
  const raw = await QRCode.toString(uri, QR_OPTIONS);
  const name = escapeXml(label);
  const svg = raw
    .trim()
    .replace(/^<svg /, `<svg class="qr-code" role="img" aria-label="${name}" `)
    .replace('>', `><title>${name}</title>`);
  return { uri, svg, key: formatTotpKey(secret), account: email };
}
