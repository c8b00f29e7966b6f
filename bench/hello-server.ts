import express from 'express';

// The framework ceiling: the same Express and Node as the app, nothing else on the request path.
const app = express();
app.disable('x-powered-by');
app.get('/', (_req, res) => {
  res.type('html').send('<!DOCTYPE html><html lang="nl"><title>Hallo</title><p>hello</p></html>');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
