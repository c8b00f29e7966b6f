/**
 * Every URL of the portal, in one place. Routes, redirects and templates (through the `paths`
 * local) all take them from here; the Dutch path names are part of the product (the manual's).
 */
const TWO_STEP = '/account/twee-stappen';
const SETUP = `${TWO_STEP}/instellen`;
const DESK = '/balie';
const FIRST_TIME = `${DESK}/eerste-keer`;
const PASSKEYS = `${TWO_STEP}/toegangssleutels`;

/** Pages of the shell that only inform; their slugs are their paths. */
const INFO = {
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
} as const;

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
    /** The same page, whose continue link leads to `next` (the page a timeout interrupted). */
    recoveryUsedThen: (next: string) => `/inloggen/herstelcode-gebruikt?verder=${encodeURIComponent(next)}`,
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
    /** Where a patient signed in with the clinic's temporary password chooses their own, before anything else. */
    ownPassword: '/account/eigen-wachtwoord',
    activity: '/account/beveiliging',
    /** From the security activity: every other session of the patient ends, this one goes on. */
    signOutElsewhere: '/account/beveiliging/uitloggen-op-andere-apparaten',
    confirm: '/account/bevestigen',
    /** The confirmation, leading back to `returnTo` (an account page) once done. */
    confirmThenReturn: (returnTo: string) => `/account/bevestigen?terug=${encodeURIComponent(returnTo)}`,
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
  info: INFO,
  /** An information page opened from the desk's footer, which leads back to the desk page `returnTo`. */
  infoFromDesk: (page: string, returnTo: string) => `${page}?terug=${encodeURIComponent(returnTo)}`,
  /** Choosing a language, and going back to the page it was chosen on. */
  language: (language: string) => `/taal/${language}`,
  languageFrom: (language: string, returnTo: string) => `/taal/${language}?terug=${encodeURIComponent(returnTo)}`,
  devSmsOutbox: '/ontwikkeling/sms',
  devMailOutbox: '/ontwikkeling/e-mail',
  health: { live: '/healthz', ready: '/readyz' },
  /** Looked up by password managers (RFC 8615). */
  wellKnown: { changePassword: '/.well-known/change-password', passkeyEndpoints: '/.well-known/passkey-endpoints', securityTxt: '/.well-known/security.txt' },
  /**
   * The clinic's desk ("Balie"): staff pages, with sessions of their own (cookie on this path
   * only). Nothing else of the portal is under it.
   */
  desk: {
    home: DESK,
    signOut: `${DESK}/uitloggen`,
    secondStep: {
      code: `${DESK}/code`,
      /** A passkey instead of the code; its options, as JSON. */
      passkey: `${DESK}/code/toegangssleutel`,
      passkeyOptions: `${DESK}/code/toegangssleutel/opties`,
      recovery: `${DESK}/herstelcode`,
      cancel: `${DESK}/annuleren`,
    },
    /** A staff member's own passkeys, after their current password and an app code. */
    passkeys: {
      list: `${DESK}/toegangssleutels`,
      confirm: `${DESK}/toegangssleutels/bevestigen`,
      add: `${DESK}/toegangssleutels/toevoegen`,
      addOptions: `${DESK}/toegangssleutels/toevoegen/opties`,
      remove: (id: number | string) => `${DESK}/toegangssleutels/${id}/verwijderen`,
    },
    /** A staff member's first sign-in: their own password, then their app and recovery codes. */
    firstTime: {
      root: FIRST_TIME,
      password: `${FIRST_TIME}/wachtwoord`,
      pair: `${FIRST_TIME}/koppelen`,
      recovery: `${FIRST_TIME}/herstelcodes`,
      recoveryPrint: `${FIRST_TIME}/herstelcodes/afdrukken`,
      recoveryDownload: `${FIRST_TIME}/herstelcodes/download`,
    },
    /** Signed in with a recovery code: how many are left (not a second-step page: the half session is over). */
    recoveryCodeUsed: `${DESK}/herstelcode-gebruikt`,
    /** A staff member's own recovery codes, renewed after the current password and an app code; the new ones are shown once. */
    recoveryCodes: {
      page: `${DESK}/herstelcodes`,
      codes: `${DESK}/herstelcodes/nieuw`,
      print: `${DESK}/herstelcodes/nieuw/afdrukken`,
      download: `${DESK}/herstelcodes/nieuw/download`,
    },
    /** A staff member's own password, changed after the current one and an app code. */
    password: `${DESK}/wachtwoord`,
    patients: `${DESK}/patienten`,
    patient: (id: number | string) => `${DESK}/patienten/${id}`,
    resetTwoFactor: (id: number | string) => `${DESK}/patienten/${id}/twee-stappen-uitzetten`,
    disablePatient: (id: number | string) => `${DESK}/patienten/${id}/uitschakelen`,
    enablePatient: (id: number | string) => `${DESK}/patienten/${id}/inschakelen`,
    /** A temporary password for a patient who forgot theirs; then the page that shows it once. */
    patientPassword: (id: number | string) => `${DESK}/patienten/${id}/tijdelijk-wachtwoord`,
    patientPasswordGiven: (id: number | string) => `${DESK}/patienten/${id}/tijdelijk-wachtwoord/gegeven`,
    endSessions: (id: number | string) => `${DESK}/patienten/${id}/overal-uitloggen`,
    /** All of a patient's security activity, and all the desk did to the account, paged (`?voor=`). */
    patientActivity: (id: number | string) => `${DESK}/patienten/${id}/activiteit`,
    patientDeskActions: (id: number | string) => `${DESK}/patienten/${id}/balie-acties`,
    questions: `${DESK}/vragen`,
    questionsWithStatus: (status: string) => `${DESK}/vragen?status=${status}`,
    question: (id: number | string) => `${DESK}/vragen/${id}`,
    staff: `${DESK}/medewerkers`,
    newStaff: `${DESK}/medewerkers/nieuw`,
    /** The one-time password of the staff member just added, shown once. */
    staffAdded: `${DESK}/medewerkers/nieuw/toegevoegd`,
    staffMember: (id: number | string) => `${DESK}/medewerkers/${id}`,
    staffRole: (id: number | string) => `${DESK}/medewerkers/${id}/rol`,
    disableStaff: (id: number | string) => `${DESK}/medewerkers/${id}/uitschakelen`,
    enableStaff: (id: number | string) => `${DESK}/medewerkers/${id}/inschakelen`,
    resetStaffTwoFactor: (id: number | string) => `${DESK}/medewerkers/${id}/app-uitzetten`,
    /** A new one-time password for a staff member who forgot theirs; then the page that shows it once. */
    newStaffPassword: (id: number | string) => `${DESK}/medewerkers/${id}/eenmalig-wachtwoord`,
    staffPasswordGiven: (id: number | string) => `${DESK}/medewerkers/${id}/eenmalig-wachtwoord/gegeven`,
    log: `${DESK}/logboek`,
  },
} as const;

export type Paths = typeof paths;
