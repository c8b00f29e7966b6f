/*
 * The long lists that page back, newest first: the Logboek, Berichten and Beveiligingsactiviteit.
 * A page is addressed by the id its rows are older than (`?voor=`), so rows added meanwhile do not
 * shift the older pages; the id also orders rows with the same time.
 */

/** Rows per page. */
export const PAGE_SIZE = 50;

/** The largest id the tables hold (an integer column): a larger cursor would fail on PostgreSQL. */
const MAX_ID = 2_147_483_647;

export interface PagedList<T extends { id: number }> {
  /** Newest first, at most `limit`; only rows older than row `before` when it is given. */
  list(limit: number, before?: number): Promise<T[]>;
  /**
   * The ids of the rows from `from` on (that row included), oldest first, at most `limit`: for a
   * "newer" link to the page just before. Without it, "newer" leads to the newest page.
   */
  newerIds?(from: number, limit: number): Promise<number[]>;
  /** The newest page. */
  path: string;
}

/** The page of `path`'s rows older than row `id`. */
const pathBefore = (path: string, id: number) => `${path}?voor=${id}`;

export interface Page<T> {
  rows: T[];
  /** Null on the newest page. */
  newerPath: string | null;
  /** Null when there is nothing older. */
  olderPath: string | null;
}

/** The id in `?voor=`; anything else (missing, repeated, not a whole number, too large) is the newest page. */
function readCursor(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= MAX_ID ? id : undefined;
}

/** The page `cursor` (the raw `req.query.voor`) asks for, with the links to the pages on either side. */
export async function pageOf<T extends { id: number }>(source: PagedList<T>, cursor: unknown): Promise<Page<T>> {
  const before = readCursor(cursor);
  const found = await source.list(PAGE_SIZE + 1, before);
  const rows = found.slice(0, PAGE_SIZE);
  const olderPath = found.length > PAGE_SIZE ? pathBefore(source.path, rows.at(-1)!.id) : null;
  return { rows, olderPath, newerPath: await newerPathOf(source, before) };
}

async function newerPathOf<T extends { id: number }>(source: PagedList<T>, before: number | undefined): Promise<string | null> {
  if (before === undefined) return null;
  if (!source.newerIds) return source.path;
  // The rows newer than this page are those from `before` on: the page just before shows the
  // PAGE_SIZE oldest of them, i.e. those older than the next one (or it is the newest page).
  const newer = await source.newerIds(before, PAGE_SIZE + 1);
  if (newer.length === 0) return null;
  return newer.length > PAGE_SIZE ? pathBefore(source.path, newer[PAGE_SIZE]!) : source.path;
}
