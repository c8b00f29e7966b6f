import type { Request, Response } from 'express';
import { pageOf } from '../../components/paging/newest-first';
import { describeDevice, describeEvent } from '../../components/security-events/describe';
import { type AuditLog, isByClinic } from '../../domain/audit';
import type { UserStore } from '../../domain/users';
import type { AuthLevels } from '../../http/auth-level';
import { requestOrigin } from '../../http/authentication';
import { redirectWithNotice, takePageNotice } from '../../http/page-notice';
import { paths } from '../../paths';

export type SecurityActivityController = ReturnType<typeof createSecurityActivityController>;

const SIGNED_OUT_ELSEWHERE = 'signedOutElsewhere';

export function createSecurityActivityController(deps: { audit: AuditLog; users: UserStore; auth: AuthLevels }) {
  return {
    /** One page of the patient's security events, newest first, with links to the newer and older pages. */
    async show(req: Request, res: Response) {
      const { t, formatDate, formatTime } = res.locals;
      const userId = req.user!.id;
      const { activity } = paths.account;
      const page = await pageOf(
        {
          list: (limit, before) => deps.audit.listForUser(userId, limit, before),
          newerIds: (from, limit) => deps.audit.newerIds(userId, from, limit),
          path: activity,
        },
        req.query.voor,
      );
      const rows = page.rows.map((event) => {
        // What the clinic did came from a staff member's browser and the clinic's network, not the patient's.
        const byClinic = isByClinic(event);
        return {
          id: event.id,
          datetime: new Date(event.createdAt).toISOString(),
          when: t('dates.at', { date: formatDate(event.createdAt), time: formatTime(event.createdAt) }),
          description: describeEvent(t, event),
          device: byClinic ? t('securityActivity.byClinic') : describeDevice(t, event.userAgent),
          byClinic,
          ip: byClinic ? null : event.ip, // shortened when it was stored
        };
      });
      const done = takePageNotice(req, res) === SIGNED_OUT_ELSEWHERE;
      res.render('security-activity/index', { rows, newerPath: page.newerPath, olderPath: page.olderPath, done });
    },

    /** "Uitloggen op andere apparaten": a computer left signed in elsewhere; this session goes on. */
    async signOutElsewhere(req: Request, res: Response) {
      const userId = req.user!.id;
      await deps.auth.endOtherSessions(req, deps.users);
      await deps.audit.record(userId, 'signed_out_elsewhere', requestOrigin(req));
      req.log.info({ userId }, 'signed out on other devices');
      redirectWithNotice(req, res, paths.account.activity, SIGNED_OUT_ELSEWHERE);
    },
  };
}
