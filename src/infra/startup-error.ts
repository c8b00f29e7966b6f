/**
 * A start-up failure whose message says what is wrong and what to do (the port in use, Redis not
 * answering, a database file that cannot be written): shown as it is, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
