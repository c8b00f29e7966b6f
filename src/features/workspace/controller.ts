import type { NextFunction, Request, Response } from 'express';
import type { ModuleStore } from '../../domain/modules';

export function createWorkspaceController(deps: { modules: ModuleStore }) {
  return {
    async show(req: Request, res: Response) {
      const modules = await deps.modules.listForUser(req.user!.id);
      res.render('workspace/index', { modules });
    },

    async showModule(req: Request, res: Response, next: NextFunction) {
      const id = Number(req.params.id);
      const modules = await deps.modules.listForUser(req.user!.id);
      const module = modules.find((m) => m.id === id);
      if (!module) return next(); // 404: not one of this patient's modules
      res.render('workspace/module', { module });
    },
  };
}
