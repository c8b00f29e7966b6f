import { expect } from 'chai';
import type { Express } from 'express';
import supertest from 'supertest';

/** The hidden fields of a form that may start a session: its CSRF token and when it was shown (a browser sends both). */
export function sessionFormOf(html: string): { _csrf: string; shownAt: string } {
  const shownAt = /name="shownAt" value="(\d+)"/.exec(html)?.[1];
  if (!shownAt) throw new Error('page has no shownAt field');
  return { _csrf: csrfTokenOf(html), shownAt };
}

/** The CSRF token of the first form on a page. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('page has no CSRF token');
  return match[1];
}

/** GETs a page and posts its form with the page's CSRF token, as a browser would. */
export async function submitForm(
  agent: supertest.Agent,
  pagePath: string,
  fields: Record<string, string>,
  actionPath = pagePath,
): Promise<supertest.Response> {
  const page = await agent.get(pagePath);
  return agent.post(actionPath).type('form').send({ _csrf: csrfTokenOf(page.text), ...fields });
}

/**
 * A double click: GETs the page, posts its form (to `actionPath`, by default the page's own path)
 * twice at once on the same session with the same token, and checks the answers with
 * expectDoubleClickAnswers; returns them ("status location").
 */
export async function doubleClick(
  agent: supertest.Agent,
  pagePath: string,
  fields: Record<string, string>,
  leads: { first: string; second: string[] },
  actionPath = pagePath.split('?')[0]!,
) {
  const token = csrfTokenOf((await agent.get(pagePath)).text);
  const results = await Promise.all([0, 1].map(() => agent.post(actionPath).type('form').send({ _csrf: token, ...fields })));
  const answers = results.map((res) => `${res.status} ${res.headers.location}`);
  expectDoubleClickAnswers(answers, leads.first, leads.second);
  return answers;
}

/**
 * The two answers of a double click (as "status location"): one goes where the form leads
 * (`first`); the other was sent on by the submission guard, on this instance to the same place as
 * the first, or arrived after the first had finished and met the form's rules for the new state:
 * `second` lists where else it may go. Both are redirects, never the form again with an error.
 */
export function expectDoubleClickAnswers(answers: string[], first: string, second: string[]): void {
  const at = answers.indexOf(`302 ${first}`);
  expect(at, answers.join(', ')).to.not.equal(-1);
  expect([first, ...second].map((location) => `302 ${location}`), answers.join(', ')).to.include(answers[1 - at]);
}

export function signIn(agent: supertest.Agent, email: string, password: string): Promise<supertest.Response> {
  return submitForm(agent, '/inloggen', { email, password });
}

/** The `name=value` pair of the first cookie an answer sets, or undefined. */
export function cookieSet(res: supertest.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.[0]?.split(';')[0];
}

/**
 * A double click whose second request comes in after the first was answered: GETs the page (with
 * `cookie`, the browser's session cookie, if it has one), posts its form, and then the same form
 * again twice: with the cookie the browser had before (`withOld`; its session has ended when the
 * first one moved it to a new id) and with the cookie the first answer set (`withNew`).
 */
export async function lateRepeats(app: Express, pagePath: string, fields: Record<string, string>, cookie = '') {
  const page = await supertest(app).get(pagePath).set('Cookie', cookie);
  const oldCookie = cookieSet(page) ?? cookie;
  const post = (sessionCookie: string) =>
    supertest(app).post(pagePath).set('Cookie', sessionCookie).type('form').send({ _csrf: csrfTokenOf(page.text), ...fields });
  const first = await post(oldCookie);
  const newCookie = cookieSet(first);
  if (!newCookie) throw new Error(`the first answer set no cookie: ${first.status} ${first.headers.location}`);
  return { first, newCookie, withNew: await post(newCookie), withOld: await post(oldCookie) };
}

/**
 * The two ways a double click sends a form: at once, and one after the other, as a browser mostly
 * does (the second request comes after the first was answered). Each gives both answers.
 */
export const SENT_TWICE = {
  'at once': <T>(send: () => Promise<T>) => Promise.all([send(), send()]),
  'one after the other': async <T>(send: () => Promise<T>) => [await send(), await send()],
};
