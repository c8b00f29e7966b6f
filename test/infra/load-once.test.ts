import { expect } from 'chai';
import { loadOnce } from '../../src/infra/load-once';

describe('loadOnce: a module loaded at its first use', () => {
  it('loads once for all callers, also for callers at the same moment', async () => {
    let loads = 0;
    const get = loadOnce(async () => ({ load: (loads += 1) }));
    expect(get.started, 'nothing loaded before the first use').to.equal(undefined);
    const [a, b] = await Promise.all([get(), get()]);
    expect(await get()).to.equal(a).and.equal(b);
    expect(loads).to.equal(1);
  });

  it('tries again after a failed load (a package missing during an upgrade), instead of failing for good', async () => {
    let present = false;
    const get = loadOnce(async () => {
      if (!present) throw new Error("Cannot find package 'nodemailer'");
      return 'nodemailer';
    });
    await get().then(() => expect.fail('loaded without the package'), (err: Error) => expect(err.message).to.include('nodemailer'));
    expect(get.started, 'the failed load is forgotten').to.equal(undefined);
    present = true;
    expect(await get()).to.equal('nodemailer');
  });
});
