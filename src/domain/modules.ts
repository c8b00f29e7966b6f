import type { Database } from '../infra/database';

export interface WorkspaceModule {
  id: number;
  position: number;
  title: string;
  kind: 'module' | 'package';
  submittedAt: number | null;
}

export type ModuleStore = ReturnType<typeof createModuleStore>;

export function createModuleStore(db: Database, reads: Database = db) {
  return {
    async listForUser(userId: number): Promise<WorkspaceModule[]> {
      const rows = await reads('modules')
        .select('id', 'position', 'title', 'kind', 'submitted_at')
        .where({ user_id: userId })
        .orderBy('position');
      return rows.map((row) => ({
        id: row.id,
        position: row.position,
        title: row.title,
        kind: row.kind,
        submittedAt: row.submitted_at === null ? null : Number(row.submitted_at),
      }));
    },

    async replaceForUser(userId: number, modules: Omit<WorkspaceModule, 'id'>[]): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('modules').where({ user_id: userId }).delete();
        if (modules.length === 0) return;
        await trx('modules').insert(
          modules.map((m) => ({
            user_id: userId,
            position: m.position,
            title: m.title,
            kind: m.kind,
            submitted_at: m.submittedAt,
          })),
        );
      });
    },
  };
}
