import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { answerUnreadableRequests } from '../../src/http/unreadable-requests';
import { createLogger } from '../../src/infra/logger';
import { rawRequest } from '../support/http-client';
import { startTestRuntime, TestRuntime } from '../support/runtime';

describe('requests Node cannot parse', () => {
  let rt: TestRuntime;
  let server: http.Server;
  let port: number;
  let log = '';

  before(async () => {
    rt = await startTestRuntime();
    const destination = new Writable({ write: (chunk, _enc, done) => ((log += String(chunk)), done()) });
    server = http.createServer(rt.app);
    server.on('clientError', answerUnreadableRequests(rt.app, rt.services.translators.nl, createLogger('info', destination)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rt.close();
  });
  beforeEach(() => (log = ''));

  it('answers headers over the limit with 431 and a Dutch page that says what to do, and a log line', async () => {
    const answer = await rawRequest(port, `GET /inloggen HTTP/1.1\r\nHost: localhost\r\nCookie: k=${'x'.repeat(20_000)}\r\n\r\n`);
    expect(answer).to.match(/^HTTP\/1\.1 431 /);
    expect(answer).to.include('<html lang="nl">').and.include('<h1>Verzoek te groot</h1>').and.include('Verwijder de cookies van deze site');
    expect(answer).to.match(/Content-Security-Policy: default-src 'none'/);
    expect(answer).not.to.include('xxxxxxxx');
    expect(log).to.include('"msg":"unreadable request"').and.include('HPE_HEADER_OVERFLOW').and.not.include('xxxxxxxx');
  });

  it('answers a malformed request line with 400 and the Dutch "Dit verzoek klopt niet" page', async () => {
    const answer = await rawRequest(port, 'FOO /inloggen HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer).to.match(/^HTTP\/1\.1 400 /);
    expect(answer).to.include('<h1>Dit verzoek klopt niet</h1>').and.include('<a href="/">Naar het begin</a>');
    expect(log).to.include('"msg":"unreadable request"').and.include('"status":400');
  });

  it('keeps serving afterwards', async () => {
    await rawRequest(port, 'GARBAGE\r\n\r\n');
    const page = await fetch(`http://127.0.0.1:${port}/inloggen`);
    expect(page.status).to.equal(200);
  });
});
