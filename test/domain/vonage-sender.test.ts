import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { createVonageSender, type VonageSenderOptions } from '../../src/domain/sms/vonage-sender';
import { createLogger } from '../../src/infra/logger';
import { startFakeVonage, type FakeVonage } from '../support/fake-vonage';

const MESSAGE = { to: '+31612345678', text: 'Je Karify verificatiecode is 493021' };

describe('Vonage SMS sender (against a fake Vonage)', () => {
  let fake: FakeVonage;
  let options: VonageSenderOptions;
  beforeEach(async () => {
    fake = await startFakeVonage({ apiKey: 'key-1', apiSecret: 'secret-1' });
    options = { apiKey: 'key-1', apiSecret: 'secret-1', from: 'Karify', restHost: fake.url, timeoutMs: 400 };
  });
  afterEach(() => fake.stop());

  it('sends to, from and text with the API key, the number without +', async () => {
    const result = await createVonageSender(options).send(MESSAGE);
    expect(result.ok).to.equal(true);
    expect(result.ok && result.messageId).to.match(/^[0-9A-F]{16}$/);
    expect(fake.messages).to.deep.equal([{ to: '31612345678', from: 'Karify', text: MESSAGE.text, apiKey: 'key-1' }]);
  });

  const statuses: Array<[string, string]> = [
    ['1', 'throttled'],
    ['2', 'invalid_request'],
    ['3', 'invalid_request'],
    ['4', 'bad_credentials'],
    ['5', 'provider_error'],
    ['6', 'invalid_message'],
    ['7', 'number_barred'],
    ['8', 'bad_credentials'],
    ['9', 'quota_exceeded'],
    ['10', 'throttled'],
    ['11', 'bad_credentials'],
    ['12', 'invalid_message'],
    ['14', 'bad_credentials'],
    ['15', 'invalid_sender'],
    ['22', 'invalid_request'],
    ['23', 'invalid_request'],
    ['29', 'account_restricted'],
    ['32', 'bad_credentials'],
    ['33', 'number_deactivated'],
    ['99', 'unknown'],
  ];
  it('maps every Vonage status to its reason', async () => {
    const sender = createVonageSender(options);
    for (const [status, reason] of statuses) {
      fake.failNext(status);
      expect(await sender.send(MESSAGE), `status ${status}`).to.deep.equal({ ok: false, reason, providerStatus: status });
    }
    expect(fake.messages).to.have.length(0);
  });

  it('logs what the clinic must fix (its account, its settings) as an error, a number or a busy moment as a warning', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sender = createVonageSender(options, pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) }));
    for (const status of ['4', '29', '7', '1']) {
      fake.failNext(status);
      await sender.send(MESSAGE);
    }
    expect(lines.map((line) => line.level)).to.deep.equal([50, 50, 40, 40]);
    expect(lines[0]!.msg).to.include('VONAGE_');
  });

  it('reports wrong credentials as bad_credentials', async () => {
    const result = await createVonageSender({ ...options, apiSecret: 'wrong' }).send(MESSAGE);
    expect(result).to.deep.equal({ ok: false, reason: 'bad_credentials', providerStatus: '4' });
  });

  it('maps HTTP errors: 401 to bad_credentials, 429 to throttled, 500 to provider_error', async () => {
    const sender = createVonageSender(options);
    for (const [http, reason] of [[401, 'bad_credentials'], [429, 'throttled'], [500, 'provider_error']] as const) {
      fake.failHttp(http);
      expect(await sender.send(MESSAGE)).to.deep.equal({ ok: false, reason, providerStatus: `http_${http}` });
    }
  });

  it('gives up after timeoutMs and reports a timeout', async () => {
    fake.delayNext(3000);
    const started = Date.now();
    const result = await createVonageSender(options).send(MESSAGE);
    expect(result).to.deep.include({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).to.be.within(350, 1500);
  });

  it('reports a server that refuses connections as unreachable', async () => {
    await fake.stop();
    const result = await createVonageSender(options).send(MESSAGE);
    expect(result).to.deep.include({ ok: false, reason: 'unreachable' });
  });

  it('logs failures with status and reason but never the number or the text', async () => {
    let output = '';
    const destination = new Writable({ write: (chunk, _enc, done) => ((output += String(chunk)), done()) });
    const sender = createVonageSender(options, createLogger('info', destination));
    await sender.send(MESSAGE);
    fake.failNext('7');
    await sender.send(MESSAGE);
    expect(output).to.include('"reason":"number_barred"').and.include('"status":"7"');
    expect(output).not.to.include('612345678');
    expect(output).not.to.include('493021');
  });
});
