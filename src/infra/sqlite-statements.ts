import type { Database as SqliteConnection, Statement } from 'sqlite3';

type RowsCallback = (this: unknown, err: Error | null, rows?: unknown) => void;
type RunCallback = (this: { lastID?: number; changes?: number }, err: Error | null) => void;

/** Statements kept prepared per connection; the least recently used is finalized beyond this. */
const PREPARED_STATEMENTS_PER_CONNECTION = 200;

/**
 * node-sqlite3 runs `db.all(sql)`, `db.run(sql)` and `db.get(sql)` as three round trips through
 * libuv's thread pool (prepare, step, finalize), and on a virtual machine a round trip costs more
 * than a short statement itself. This keeps each connection's recently used statements prepared,
 * so that running one again is a single round trip. The connection's `all`, `run` and `get`
 * (what knex and rate-limiter-flexible call) are replaced on this object only; `get` steps to the
 * end as `all` does, so no statement is ever left half-read holding a snapshot of the database.
 * `close` finalizes the statements first, as SQLite requires.
 */
export function keepStatementsPrepared(connection: SqliteConnection, size = PREPARED_STATEMENTS_PER_CONNECTION): void {
  const statements = new Map<string, Statement>();
  const closeConnection = connection.close.bind(connection);

  /** Calls `use` with the statement for `sql`, prepared now unless it was already. */
  function withStatement(sql: string, fail: (err: Error) => void, use: (statement: Statement) => void): void {
    const known = statements.get(sql);
    if (known) {
      statements.delete(sql); // re-inserted: the Map's order is the order of last use
      statements.set(sql, known);
      return use(known);
    }
    // A statement that fails to prepare never calls back what was queued on it: wait for prepare.
    const statement = connection.prepare(sql, (err: Error | null) => {
      if (err) return fail(err);
      if (statements.has(sql)) {
        // Prepared twice at once (callers that do not wait for each other): one copy is kept.
        use(statement);
        statement.finalize();
        return;
      }
      statements.set(sql, statement);
      if (statements.size > size) {
        const [oldest, evicted] = statements.entries().next().value as [string, Statement];
        statements.delete(oldest);
        evicted.finalize();
      }
      use(statement);
    });
  }

  const split = <C>(params: unknown, callback?: C): [unknown[], C | undefined] =>
    typeof params === 'function' ? [[], params as C] : [(params as unknown[] | undefined) ?? [], callback];

  /**
   * A statement whose step failed (SQLITE_BUSY, a constraint) is left active by node-sqlite3 until
   * it runs again: SQLite's automatic transaction stays open, holding the write lock and taking the
   * connection's later writes into it uncommitted. It is reset before its caller hears of the error.
   */
  const afterStep = (statement: Statement, err: Error | null, answer: () => void) => (err ? statement.reset(answer) : answer());

  const all = (sql: string, params?: unknown, callback?: RowsCallback) => {
    const [values, done = () => {}] = split(params, callback);
    withStatement(sql, (err) => done.call(undefined, err), (statement) =>
      statement.all(values, (err, rows) => afterStep(statement, err, () => done.call(statement, err, rows))),
    );
    return connection;
  };

  Object.assign(connection, {
    all,
    get: (sql: string, params?: unknown, callback?: RowsCallback) => {
      const [values, done = () => {}] = split(params, callback);
      return all(sql, values, (err, rows) => done.call(undefined, err, (rows as unknown[] | undefined)?.[0]));
    },
    run(sql: string, params?: unknown, callback?: RunCallback) {
      const [values, done = () => {}] = split(params, callback);
      withStatement(sql, (err) => done.call({}, err), (statement) =>
        statement.run(values, function (this: { lastID: number; changes: number }, err: Error | null) {
          // Copied: the statement's own fields change when it runs again.
          const result = { lastID: this.lastID, changes: this.changes };
          afterStep(statement, err, () => done.call(result, err));
        }),
      );
      return connection;
    },
    close(callback?: (err: Error | null) => void) {
      const open = [...statements.values()];
      statements.clear();
      let left = open.length;
      if (left === 0) return closeConnection(callback);
      for (const statement of open) statement.finalize(() => (--left === 0 ? closeConnection(callback) : undefined));
      return connection;
    },
  });
}
