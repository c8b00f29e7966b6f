import type { Services } from '../services';

/** What a command works with: given by admin.ts, or by a test that runs the command in-process. */
export interface CommandEnv {
  /** Opens the database on first use; validation before it needs no database. */
  services(): Promise<Services>;
  timeZone: string;
  /** Where patients and staff reach the site (PUBLIC_URL's origin), for the addresses a command names. */
  siteOrigin: string;
  /** REQUIRE_TWO_FACTOR: patients without two-step must set it up before they reach anything. */
  twoFactorRequired: boolean;
  /** DESK_ONE_TIME_PASSWORD_DAYS: how long a staff member's one-time password works. */
  staffOneTimePasswordDays: number;
  /** PATIENT_ONE_TIME_PASSWORD_DAYS: how long a patient's one-time password works. */
  patientOneTimePasswordDays: number;
  /** Writes a line (or lines) of the command's output. */
  print(text: string): void;
  /** A new password for a patient: typed twice on a terminal, or the first line piped in. */
  readNewPassword(): Promise<string>;
}

export interface Command<Required extends string = string, Optional extends string = string, Flag extends string = string> {
  name: string;
  summary: string;
  options: readonly Required[];
  optional?: readonly Optional[];
  /** Options given alone (`--failed`): present as "true" when given. */
  flags?: readonly Flag[];
  /** Reads a new password from standard input: its help says how to give it. */
  readsPassword?: boolean;
  run(options: Record<Required, string> & Partial<Record<Optional | Flag, string>>, env: CommandEnv): Promise<void>;
}

/** Details recorded with every change the admin command makes. */
export const BY_ADMIN_CLI = { by: 'admin-cli' } as const;

export const command = <const Required extends string, const Optional extends string = never, const Flag extends string = never>(
  definition: Command<Required, Optional, Flag>,
): Command<Required, Optional, Flag> => definition;
