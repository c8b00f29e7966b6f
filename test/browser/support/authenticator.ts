import type { CDPSession, Page } from 'playwright-core';

export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
}

/**
 * Chromium's own virtual authenticator (DevTools protocol WebAuthn domain) on one page: a
 * platform authenticator with discoverable credentials and user verification, which answers
 * navigator.credentials as a phone or laptop would, with the user's touch simulated.
 */
export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    readonly id: string,
  ) {}

  static async attach(page: Page): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** Another page's authenticator with this one's passkeys: the same phone, in a new browser. */
  async copyTo(page: Page): Promise<VirtualAuthenticator> {
    const copy = await VirtualAuthenticator.attach(page);
    const { credentials } = await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id });
    for (const credential of credentials) await copy.cdp.send('WebAuthn.addCredential', { authenticatorId: copy.id, credential });
    return copy;
  }

  async credentials(): Promise<VirtualCredential[]> {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id })).credentials;
  }
}
