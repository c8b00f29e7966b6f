import type supertest from 'supertest';

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

/** A double click: GETs the page, then posts its form twice at once on the same session, with the same token. */
export async function submitTwiceAtOnce(
  agent: supertest.Agent,
  pagePath: string,
  fields: Record<string, string>,
  actionPath = pagePath.split('?')[0]!,
): Promise<supertest.Response[]> {
  const token = csrfTokenOf((await agent.get(pagePath)).text);
  return Promise.all([0, 1].map(() => agent.post(actionPath).type('form').send({ _csrf: token, ...fields })));
}

export function signIn(agent: supertest.Agent, email: string, password: string): Promise<supertest.Response> {
  return submitForm(agent, '/inloggen', { email, password });
}
