/** What a patient can recognise of a device: the browser's name and the operating system. */
export interface UserAgentSummary {
  browser: string | null;
  os: string | null;
}

// Order matters: many browsers also name the ones they derive from (Edge says "Chrome" and
// "Safari", Chrome says "Safari", browsers on iOS say "Safari"), so the specific ones come first.
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^w3m\//i, 'w3m'],
  [/^Lynx\//i, 'Lynx'],
  [/^E?Links\b/i, 'Links'],
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:OPR|OPiOS|OPT)\/|\bOpera\b/, 'Opera'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  // "Safari/…" itself may be cut off: audit.ts keeps only the first 120 characters.
  [/\bAppleWebKit\/.*\bVersion\/\d/, 'Safari'],
];

// iPhone and iPad say "like Mac OS X", Android and ChromeOS say "Linux": they come first.
const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:iPhone|iPod)\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\b(?:Macintosh|Mac OS X)\b/, 'macOS'],
  [/\b(?:Linux|X11|Ubuntu|Fedora)\b/, 'Linux'],
];

function firstMatch(ua: string, table: ReadonlyArray<readonly [RegExp, string]>): string | null {
  for (const [pattern, name] of table) if (pattern.test(ua)) return name;
  return null;
}

/**
 * Names the browser and operating system in a User-Agent header, roughly: enough for a patient
 * to recognise "that was me" in their security activity, never a fingerprint. Unknown parts are null.
 */
export function describeUserAgent(ua: string | null): UserAgentSummary {
  const value = ua?.trim();
  if (!value) return { browser: null, os: null };
  return { browser: firstMatch(value, BROWSERS), os: firstMatch(value, SYSTEMS) };
}
