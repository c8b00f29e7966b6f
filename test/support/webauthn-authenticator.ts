import crypto from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/*
 * A passkey authenticator in software, built on node:crypto: real attestation objects (CBOR, fmt
 * "none") and real ES256 assertions over real authenticator data, exactly what a browser hands
 * back. Tests use it to drive the server's checks (origin, RP id, user verification, challenges,
 * counters) without mocking the verification. The browser suite uses Chromium's own authenticator.
 */

type CborValue = number | string | Buffer | Map<CborValue, CborValue>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

/** The part of CBOR that WebAuthn uses: integers, byte and text strings, maps. */
export function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  return Buffer.concat([cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest();
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

const FLAG = { userPresent: 0x01, userVerified: 0x04, backupEligible: 0x08, backedUp: 0x10, attested: 0x40 };

export interface StoredCredential {
  id: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

/** What a test may change about one ceremony, to see the server refuse it. */
export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  challenge?: string;
  type?: string;
  credentialId?: string;
  counter?: number;
}

export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];

  constructor(readonly settings: { origin: string; rpId?: string; backupEligible?: boolean; counts?: boolean } = { origin: 'http://localhost:3000' }) {}

  private get rpId(): string {
    return this.settings.rpId ?? new URL(this.settings.origin).hostname;
  }

  private flags(userVerified: boolean, extra = 0): number {
    const backup = this.settings.backupEligible ? FLAG.backupEligible | FLAG.backedUp : 0;
    return FLAG.userPresent | (userVerified ? FLAG.userVerified : 0) | backup | extra;
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create: a new ES256 key pair for the site, as a discoverable credential. */
  create(options: PublicKeyCredentialCreationOptionsJSON, overrides: CeremonyOverrides = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = crypto.randomBytes(32);
    const rpId = overrides.rpId ?? options.rp.id ?? this.rpId;
    const cose = cbor(new Map<CborValue, CborValue>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const counter = Buffer.alloc(4);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rpId), Buffer.from([this.flags(overrides.userVerified ?? true, FLAG.attested)]), counter, Buffer.alloc(16), idLength, id, cose,
    ]);
    const attestation = cbor(new Map<CborValue, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const credential = { id: b64url(id), privateKey, publicKey, rpId, userHandle: options.user.id, counter: 0 };
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData(overrides.type ?? 'webauthn.create', overrides.challenge ?? options.challenge, overrides.origin ?? this.settings.origin)),
        attestationObject: b64url(attestation),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get: signs the challenge with one of the allowed credentials (or the first). */
  get(options: PublicKeyCredentialRequestOptionsJSON, overrides: CeremonyOverrides = {}): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const credential = this.credentials.find((c) => c.rpId === (options.rpId ?? this.rpId) && (!allowed || allowed.includes(c.id)));
    if (!credential) throw new Error('NotAllowedError: no credential for this site');
    if (this.settings.counts !== false) credential.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(overrides.counter ?? (this.settings.counts === false ? 0 : credential.counter));
    const authData = Buffer.concat([sha256(overrides.rpId ?? credential.rpId), Buffer.from([this.flags(overrides.userVerified ?? true)]), counter]);
    const clientData = this.clientData(overrides.type ?? 'webauthn.get', overrides.challenge ?? options.challenge, overrides.origin ?? this.settings.origin);
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    const id = overrides.credentialId ?? credential.id;
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }
}
