/** `2026-11-25` in the clinic's time zone. */
export function dateFormatter(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (ms) => format.format(ms);
}

/** `2026-11-25 14:03` in the clinic's time zone. */
export function dateTimeFormatter(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (ms) => {
    const part = Object.fromEntries(format.formatToParts(ms).map(({ type, value }) => [type, value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
  };
}

/** The line under a list with dates and times: their zone (the server may keep another). */
export const timesIn = (timeZone: string): string => `Dates and times in ${timeZone} (TIME_ZONE).`;

/** `2026-11-25 14:03 CET`: with the zone's short name, for a sentence read on a server that may keep another zone. */
export function zonedDateTimeFormatter(timeZone: string): (ms: number) => string {
  const dateTime = dateTimeFormatter(timeZone);
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' });
  return (ms) => `${dateTime(ms)} ${zone.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? timeZone}`;
}
