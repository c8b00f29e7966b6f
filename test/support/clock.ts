import type { Clock } from '../../src/domain/clock';

/** A clock the test moves by hand. Starts at a fixed, realistic moment. */
export class TestClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 25, 13, 0, 0)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}

/** A test clock that also moves a millisecond each time it is read, as time goes on between two requests. */
export class RunningTestClock extends TestClock {
  override now(): number {
    this.advance(1);
    return super.now();
  }
}
