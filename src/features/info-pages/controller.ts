import type { Request, Response } from 'express';

/** The locale keys of a page's title and text. */
export interface PageTexts {
  title: string;
  body: string;
}

/** Pages of the shell that hold no forms yet: a title and a text. */
export function createInfoPagesController() {
  return {
    show: (texts: PageTexts) => (_req: Request, res: Response) => res.render('info-pages/page', { texts }),
  };
}

export type InfoPagesController = ReturnType<typeof createInfoPagesController>;
