import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { RequestHandler } from 'express';

/** Serves public/ with long caching; URLs carry a content hash so a new release is fetched at once. */
export function staticAssets(rootDir: string): { middleware: RequestHandler; urls: Record<string, string> } {
  const publicDir = path.join(rootDir, 'public');
  const versioned = (file: string) => {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(publicDir, file))).digest('hex').slice(0, 10);
    return `/${file}?v=${hash}`;
  };
  return {
    middleware: express.static(publicDir, { maxAge: '365d', immutable: true, index: false, redirect: false }),
    urls: { css: versioned('css/app.css'), icon: versioned('favicon.svg') },
  };
}
