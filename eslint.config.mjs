// The linter on top of the type check (tsconfig.json is strict): typescript-eslint's type-aware
// rules, less those that only restate what `any` from untyped libraries (knex rows, JSON, chai)
// already is, and those that do not fit how the code is written on purpose (controller objects of
// plain functions handed to Express; callback errors passed on as they come).
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'bench/profile-hook.cjs'] },
  // The pages' own scripts (clipboard, passkeys): plain ES5 in the browser, which may be old.
  {
    files: ['public/js/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 5, sourceType: 'script', globals: { ...globals.browser, Promise: 'readonly' } },
  },
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) } },
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // It would have `db<Row>(table)` written for every knex query whose rows are asserted.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  // Redirects use Express's default, 302: Dillo replays a 303 it has seen before from memory
  // (it ignores no-store and fetches again only after a 302), which sent a confirmed patient back
  // to the confirmation. Browsers turn a POST into a GET after a 302 as after a 303.
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name='redirect'][arguments.length>1]",
        message: 'Redirect with res.redirect(path): its 302 is fetched again by every browser (Dillo replays a 303).',
      }],
    },
  },
  // chai's property assertions (`expect(x).to.be.empty`) are expressions.
  { files: ['test/**'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
);
