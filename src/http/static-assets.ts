import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { RequestHandler } from 'express';

const ASSET_PATHS = { css: 'css/app.css', icon: 'favicon.svg', copyCodes: 'js/copy-codes.js', passkeys: 'js/passkeys.js' } as const;

/**
 * Files of installed packages, served as they are installed (never a copy that could drift from
 * the version in package-lock.json): the browser half of SimpleWebAuthn, its UMD bundle.
 */
const PACKAGE_ASSETS = {
  webauthn: {
    url: '/js/simplewebauthn-browser.umd.min.js',
    file: () => path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'),
  },
} as const;

type AssetName = keyof typeof ASSET_PATHS | keyof typeof PACKAGE_ASSETS;

const CACHE = { maxAge: '365d', immutable: true } as const;

/**
 * Serves the files of public/ (and the package files above) with long caching; URLs carry a
 * content hash so a new release is fetched at once. Only the asset paths reach the file system:
 * a page request costs no stat().
 */
export function staticAssets(rootDir: string): { middleware: RequestHandler; urls: Record<AssetName, string> } {
  const publicDir = path.join(rootDir, 'public');
  const files = Object.values(ASSET_PATHS).map((file) => `/${file}`);
  const serve = express.static(publicDir, { ...CACHE, index: false, redirect: false });
  const packageFiles = new Map<string, string>(Object.values(PACKAGE_ASSETS).map((asset) => [asset.url, asset.file()]));
  const versioned = (url: string, file: string) => {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
    return `${url}?v=${hash}`;
  };
  const urls = Object.fromEntries([
    ...Object.entries(ASSET_PATHS).map(([name, file]) => [name, versioned(`/${file}`, path.join(publicDir, file))]),
    ...Object.entries(PACKAGE_ASSETS).map(([name, asset]) => [name, versioned(asset.url, packageFiles.get(asset.url)!)]),
  ]) as Record<AssetName, string>;
  return {
    middleware: (req, res, next) => {
      if (files.includes(req.path)) return serve(req, res, next);
      const packageFile = packageFiles.get(req.path);
      if (packageFile && (req.method === 'GET' || req.method === 'HEAD')) return res.sendFile(packageFile, CACHE);
      next();
    },
    urls,
  };
}
