/** A module id from the path: a positive whole number, or null (then the page does not exist). */
export function moduleId(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}
