import type { NextFunction, Request, Response } from 'express';
import type { ModuleStore } from '../../domain/modules';
import type { AuthLevels } from '../../http/auth-level';
import { paths } from '../../paths';
import { moduleId } from './validation';

/** Werkblad: the patient's modules and packages, and one module. */
export function createWorkspaceController(deps: { modules: ModuleStore; auth: AuthLevels }) {
  return {
    /** The portal's front door: the Werkblad when signed in, else the sign-in page. */
    home: (req: Request, res: Response) => res.redirect(deps.auth.isSignedIn(req) ? paths.workspace : paths.signIn),

    async show(req: Request, res: Response) {
      const modules = await deps.modules.listForUser(req.user!.id);
      res.render('workspace/index', { modules });
    },

    async showModule(req: Request, res: Response, next: NextFunction) {
      const id = moduleId(req.params.id);
      const module = id === null ? undefined : (await deps.modules.listForUser(req.user!.id)).find((m) => m.id === id);
      if (!module) return next(); // 404: not one of this patient's modules
      res.render('workspace/module', { module });
    },
  };
}

export type WorkspaceController = ReturnType<typeof createWorkspaceController>;
