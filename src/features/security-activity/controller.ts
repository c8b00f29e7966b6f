import type { Request, Response } from 'express';
import { describeDevice, describeEvent } from '../../components/security-events/describe';
import type { AuditLog } from '../../domain/audit';

export type SecurityActivityController = ReturnType<typeof createSecurityActivityController>;

export function createSecurityActivityController(deps: { audit: AuditLog }) {
  return {
    async show(req: Request, res: Response) {
      const { t, formatDate, formatTime } = res.locals;
      const events = await deps.audit.listForUser(req.user!.id);
      const rows = events.map((event) => ({
        id: event.id,
        datetime: new Date(event.createdAt).toISOString(),
        when: t('dates.at', { date: formatDate(event.createdAt), time: formatTime(event.createdAt) }),
        description: describeEvent(t, event),
        device: describeDevice(t, event.userAgent),
        ip: event.ip, // shortened when it was stored
      }));
      res.render('security-activity/index', { rows });
    },
  };
}
