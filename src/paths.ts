/**
 * Every URL of the portal, in one place. Routes, redirects and templates (through the `paths`
 * local) all take them from here; the Dutch path names are part of the product (the manual's).
 */
const TWO_STEP = '/account/twee-stappen';
const SETUP = `${TWO_STEP}/instellen`;
const PASSKEYS = `${TWO_STEP}/toegangssleutels`;

export const paths = {
  home: '/',
  signIn: '/inloggen',
  signOut: '/uitloggen',
  /** Signing in with a passkey alone (user verification makes it both steps); its options, as JSON. */
  signInPasskey: '/inloggen/toegangssleutel',
  signInPasskeyOptions: '/inloggen/toegangssleutel/opties',
  /** The second step of signing in, for a half-signed-in patient. */
  secondStep: {
    code: '/inloggen/code',
    resend: '/inloggen/code/nieuwe-code',
    recovery: '/inloggen/herstelcode',
    recoveryUsed: '/inloggen/herstelcode-gebruikt',
    cancel: '/inloggen/annuleren',
    passkey: '/inloggen/code/toegangssleutel',
    passkeyOptions: '/inloggen/code/toegangssleutel/opties',
  },
  workspace: '/werkblad',
  workspaceModule: (id: number | string) => `/werkblad/opdracht/${id}`,
  inbox: '/berichten',
  account: {
    index: '/account',
    profile: '/account/profiel',
    phone: '/account/telefoonnummer',
    notifications: '/account/notificaties',
    applications: '/account/applicaties',
    absence: '/account/afwezigheidsmeldingen',
    password: '/account/wachtwoord',
    activity: '/account/beveiliging',
    confirm: '/account/bevestigen',
    confirmCode: '/account/bevestigen/code',
    confirmPasskeyOptions: '/account/bevestigen/toegangssleutel/opties',
  },
  twoStep: {
    status: TWO_STEP,
    setup: {
      start: SETUP,
      method: `${SETUP}/methode`,
      phone: `${SETUP}/telefoonnummer`,
      pair: `${SETUP}/koppelen`,
      verify: `${SETUP}/verificatie`,
      resend: `${SETUP}/verificatie/nieuwe-code`,
      recovery: `${SETUP}/herstelcodes`,
      recoveryPrint: `${SETUP}/herstelcodes/afdrukken`,
      recoveryDownload: `${SETUP}/herstelcodes/download`,
      done: `${SETUP}/klaar`,
    },
    phone: `${TWO_STEP}/telefoonnummer-wijzigen`,
    phoneVerify: `${TWO_STEP}/telefoonnummer-wijzigen/verificatie`,
    phoneResend: `${TWO_STEP}/telefoonnummer-wijzigen/verificatie/nieuwe-code`,
    switchApp: `${TWO_STEP}/overstappen/app`,
    switchAppPair: `${TWO_STEP}/overstappen/app/koppelen`,
    switchSms: `${TWO_STEP}/overstappen/sms`,
    switchSmsVerify: `${TWO_STEP}/overstappen/sms/verificatie`,
    switchSmsResend: `${TWO_STEP}/overstappen/sms/verificatie/nieuwe-code`,
    newCodes: `${TWO_STEP}/herstelcodes/nieuw`,
    codes: `${TWO_STEP}/herstelcodes`,
    codesPrint: `${TWO_STEP}/herstelcodes/afdrukken`,
    codesDownload: `${TWO_STEP}/herstelcodes/download`,
    turnOff: `${TWO_STEP}/uitzetten`,
    passkeys: {
      add: `${PASSKEYS}/toevoegen`,
      addOptions: `${PASSKEYS}/toevoegen/opties`,
      codes: `${PASSKEYS}/herstelcodes`,
      codesPrint: `${PASSKEYS}/herstelcodes/afdrukken`,
      codesDownload: `${PASSKEYS}/herstelcodes/download`,
      rename: (id: number | string) => `${PASSKEYS}/${id}/naam`,
      remove: (id: number | string) => `${PASSKEYS}/${id}/verwijderen`,
    },
  },
  help: {
    twoStep: '/hulp/twee-stappen',
    question: '/hulp/vragenformulier',
    passkeys: '/hulp/toegangssleutels',
  },
  /** Pages of the shell that only inform; their slugs are their paths. */
  info: {
    library: '/bibliotheek',
    videoCalls: '/videogesprekken',
    contacts: '/contacten',
    aboutHealthspace: '/over-deze-healthspace',
    myHealthspaces: '/mijn-healthspaces',
    myRecord: '/mijn-dossier',
    helpdesk: '/helpdesk',
    aboutKarify: '/over-karify',
    privacy: '/privacy-en-veiligheid',
    terms: '/algemene-voorwaarden',
  },
  language: (language: string) => `/taal/${language}`,
  devSmsOutbox: '/ontwikkeling/sms',
  health: { live: '/healthz', ready: '/readyz' },
} as const;

export type Paths = typeof paths;
