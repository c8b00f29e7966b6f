import type { Request, Response } from 'express';
import { deskPageToReturnTo } from '../../http/return-page';
import type { InfoPage } from './pages';

/**
 * Pages of the shell that hold no forms yet: a title and a text. Opened from the desk's footer
 * (`?terug=` a desk page), it leads back there: the desk's session is not read outside /balie.
 */
export function createInfoPagesController() {
  return {
    show: (page: InfoPage) => (req: Request, res: Response) => res.render('info-pages/page', { texts: page, backToDesk: deskPageToReturnTo(req.query.terug) ?? null }),
  };
}

export type InfoPagesController = ReturnType<typeof createInfoPagesController>;
