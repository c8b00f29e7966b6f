import { expect } from 'chai';
import { signIn } from './forms';
import type { TestRuntime } from './runtime';
import { patientWithApp } from './totp';

/** The links marked as the current page anywhere on a page (menus included). */
export function currentLinks(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]!);
}

/** Each of `paths` sends a visitor who is not signed in to the sign-in page. */
export async function expectSignInFirst(rt: TestRuntime, paths: string[]): Promise<void> {
  for (const path of paths) {
    const res = await rt.agent().get(path);
    expect(res.status, path).to.equal(302);
    expect(res.headers.location, path).to.equal('/inloggen');
  }
}

/** Each of `paths` sends a patient halfway through signing in back to the second step. */
export async function expectHeldAtSecondStep(rt: TestRuntime, paths: string[]): Promise<void> {
  const patient = await patientWithApp(rt);
  const agent = rt.agent();
  expect((await signIn(agent, patient.email, patient.password)).headers.location).to.equal('/inloggen/code');
  for (const path of paths) expect((await agent.get(path)).headers.location, path).to.equal('/inloggen/code');
}

/**
 * What the patients' stored sessions hold, each as its fields besides `cookie` (SQLite keeps a
 * session as JSON text, PostgreSQL as a json value).
 */
export async function storedSessionFields(rt: TestRuntime): Promise<string[][]> {
  const rows: Array<{ sess: string | Record<string, unknown> }> = await rt.db('sessions').select('sess');
  return rows.map(({ sess }) => Object.keys(typeof sess === 'string' ? (JSON.parse(sess) as object) : sess).filter((key) => key !== 'cookie'));
}
