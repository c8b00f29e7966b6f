import type { Socket } from 'node:net';
import type { Express } from 'express';
import type { Translate } from '../i18n';
import type { Logger } from '../infra/logger';
import { paths } from '../paths';

/** What Node's parser could not read, and the status it would answer with itself. */
function statusOf(code: string | undefined): { status: number; reason: string; page: 'headersTooLarge' | 'badRequest' } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, reason: 'Request Header Fields Too Large', page: 'headersTooLarge' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', page: 'badRequest' };
  return { status: 400, reason: 'Bad Request', page: 'badRequest' };
}

/**
 * A request Node cannot parse (headers over its limit, a malformed request line, headers that
 * never finished) never reaches Express: Node would answer it with a bare status and no log
 * line. This answers with the same status, a short Dutch page (`dutch`: the Dutch texts; no
 * cookie was read, so no language choice), and a log line naming what was wrong, never the
 * request's contents.
 */
export function answerUnreadableRequests(app: Express, dutch: Translate, logger: Logger): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, page } = statusOf(err.code);
    logger.warn({ parseError: err.code, status, remoteAddress: socket.remoteAddress }, 'unreadable request');
    app.render('errors/unreadable-request', { t: dutch, lang: 'nl', page, paths }, (renderError, html) => {
      if (!socket.writable) return void socket.destroy();
      const body = renderError ? `${status} ${reason}` : html;
      if (renderError) logger.error({ err: renderError }, 'unreadable request page failed');
      const type = renderError ? 'text/plain' : 'text/html';
      socket.end([
        `HTTP/1.1 ${status} ${reason}`,
        `Content-Type: ${type}; charset=utf-8`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "Content-Security-Policy: default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        'X-Content-Type-Options: nosniff',
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'));
    });
  };
}
