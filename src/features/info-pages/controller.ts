import type { Request, Response } from 'express';
import type { InfoPage } from './pages';

/** Pages of the shell that hold no forms yet: a title and a text. */
export function createInfoPagesController() {
  return {
    show: (page: InfoPage) => (_req: Request, res: Response) => res.render('info-pages/page', { texts: page }),
  };
}

export type InfoPagesController = ReturnType<typeof createInfoPagesController>;
