import type { AuthenticationResponseJSON, AuthenticatorTransportFuture, RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * The browser's answer to a passkey ceremony, as public/js/passkeys.js puts it in the hidden
 * field `credential` of the form it submits (JSON of @simplewebauthn/browser's result). Anything
 * that is not the expected shape is null: the library only ever sees well-formed input.
 */
const CREDENTIAL_FIELD = 'credential';

const MAX_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]{1,4096}$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isBase64url = (value: unknown): value is string => typeof value === 'string' && BASE64URL.test(value);

/** True when the form carries an answer at all (a passkey was used rather than a code). */
export function hasCredential(body: unknown): boolean {
  return isObject(body) && typeof body[CREDENTIAL_FIELD] === 'string' && body[CREDENTIAL_FIELD] !== '';
}

function parse(body: unknown): { id: string; response: Json } | null {
  const text = isObject(body) ? body[CREDENTIAL_FIELD] : undefined;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || value.type !== 'public-key' || !isBase64url(value.id) || value.rawId !== value.id || !isObject(value.response)) return null;
  if (!isBase64url(value.response.clientDataJSON)) return null;
  return { id: value.id, response: value.response };
}

/** An assertion (signing in, confirming). */
export function readAssertion(body: unknown): AuthenticationResponseJSON | null {
  const parsed = parse(body);
  if (!parsed) return null;
  const { clientDataJSON, authenticatorData, signature, userHandle } = parsed.response;
  if (!isBase64url(authenticatorData) || !isBase64url(signature) || (userHandle !== undefined && userHandle !== null && !isBase64url(userHandle))) return null;
  return {
    id: parsed.id,
    rawId: parsed.id,
    type: 'public-key',
    response: { clientDataJSON: clientDataJSON as string, authenticatorData, signature, ...(typeof userHandle === 'string' ? { userHandle } : {}) },
    clientExtensionResults: {},
  };
}

/** An attestation (adding a passkey). */
export function readAttestation(body: unknown): RegistrationResponseJSON | null {
  const parsed = parse(body);
  if (!parsed) return null;
  const { clientDataJSON, attestationObject, transports } = parsed.response;
  if (!isBase64url(attestationObject)) return null;
  const hints = Array.isArray(transports) ? transports.filter((t): t is AuthenticatorTransportFuture => typeof t === 'string') : [];
  return {
    id: parsed.id,
    rawId: parsed.id,
    type: 'public-key',
    response: { clientDataJSON: clientDataJSON as string, attestationObject, transports: hints },
    clientExtensionResults: {},
  };
}
