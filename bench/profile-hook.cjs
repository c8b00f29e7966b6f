'use strict';
// Preloaded (node --require) into the app child by `npm run bench -- --profile DIR`, so that only
// the measured phase of each row is profiled, not start-up or preparation: SIGUSR2 starts a CPU
// profile, the next SIGUSR2 writes it to $BENCH_PROFILE_DIR/profile-<n>.cpuprofile.
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    running = !running;
    if (running) {
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      written += 1;
      const file = path.join(dir, `profile-${written}.cpuprofile`);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      fs.renameSync(`${file}.tmp`, file);
    });
  });
}
