import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { RequestHandler } from 'express';

const ASSET_PATHS = { css: 'css/app.css', icon: 'favicon.svg', copyCodes: 'js/copy-codes.js' } as const;

/**
 * Serves the files of public/ with long caching; URLs carry a content hash so a new release is
 * fetched at once. Only the asset paths reach the file system: a page request costs no stat().
 */
export function staticAssets(rootDir: string): { middleware: RequestHandler; urls: Record<keyof typeof ASSET_PATHS, string> } {
  const publicDir = path.join(rootDir, 'public');
  const files = Object.values(ASSET_PATHS).map((file) => `/${file}`);
  const serve = express.static(publicDir, { maxAge: '365d', immutable: true, index: false, redirect: false });
  const versioned = (file: string) => {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(path.join(publicDir, file))).digest('hex').slice(0, 10);
    return `/${file}?v=${hash}`;
  };
  return {
    middleware: (req, res, next) => (files.includes(req.path) ? serve(req, res, next) : next()),
    urls: Object.fromEntries(Object.entries(ASSET_PATHS).map(([name, file]) => [name, versioned(file)])) as Record<keyof typeof ASSET_PATHS, string>,
  };
}
