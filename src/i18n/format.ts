export interface DateTimeFormatter {
  date(epochMs: number): string; // 9 februari 2021
  time(epochMs: number): string; // 13:15
  /** With the time zone, for text read elsewhere (an e-mail abroad): 13:15 CET. */
  zonedTime(epochMs: number): string;
  minutes(count: number): string; // 10 minuten
}

export function createDateTimeFormatter(locale: string, timeZone: string): DateTimeFormatter {
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone });
  const zonedTime = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone, timeZoneName: 'short' });
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
  return {
    date: (epochMs) => date.format(epochMs),
    time: (epochMs) => time.format(epochMs),
    zonedTime: (epochMs) => zonedTime.format(epochMs),
    minutes: (count) => minutes.format(count),
  };
}
