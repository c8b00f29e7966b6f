import type { Request, Response } from 'express';

/** Mijn account: the menu, the profile, and the pages of the menu that only inform. */
export function createAccountController() {
  return {
    showIndex: (_req: Request, res: Response) => res.render('account/index'),
    showProfile: (_req: Request, res: Response) => res.render('account/profile'),
    /** A page of the menu that only informs, perhaps with a link on; `texts` are full locale keys. */
    showPage: (texts: { title: string; body: string; link?: { text: string; href: string } }) => (_req: Request, res: Response) => res.render('account/page', { texts }),
  };
}

export type AccountController = ReturnType<typeof createAccountController>;
