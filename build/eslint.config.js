// Lint rules that hold the layers apart (see ARCHITECTURE.md): core runs under
// plain Node, the renderer is a sandboxed web page, and only contract *types* cross.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const nodeModules = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:*'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  { basePath: root },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    // core: plain Node only. No Electron, no React, nothing from the layers above it.
    files: ['electron/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'electron/core runs under plain Node: no Electron imports.' },
            { name: 'react', message: 'electron/core must not import React.' },
            { name: 'react-dom', message: 'electron/core must not import React.' },
          ],
          patterns: [
            { group: ['**/renderer/**', '**/renderer'], message: 'core must not import the renderer.' },
            { group: ['**/ipc/**', '**/ipc'], message: 'core must not import the IPC layer (data flows down).' },
            { group: ['**/web/**'], message: 'core must not import the web bridge.' },
          ],
        },
      ],
    },
  },
  {
    // ipc handlers and the web bridge: Node, but no Electron either (they run in the bridge too).
    files: ['electron/ipc/**/*.ts', 'electron/web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'IPC handlers run in the web bridge too: inject Electron from main.ts.' }],
          patterns: [{ group: ['**/renderer/**'], message: 'main side must not import the renderer.' }],
        },
      ],
    },
  },
  {
    // The command catalog is shared by main and the sandboxed page: it stays pure (no imports at all).
    files: ['electron/ipc/commands.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportDeclaration', message: 'The command catalog is pure data and functions: no imports (main and the renderer both load it).' },
      ],
    },
  },
  {
    // renderer: a sandboxed page. No Node, no Electron, no main-side code; contract types, the
    // pure createApi (shared with preload so browser tests run the app's own code path) and the
    // pure command catalog (shared with main's application menu).
    files: ['renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer is sandboxed: use window.skiff.' },
            { name: 'ssh2', message: 'The renderer is sandboxed: SFTP lives in main.' },
            { name: 'keytar', message: 'Secrets never reach the renderer.' },
          ],
          patterns: [
            { group: nodeModules, message: 'The renderer has no Node.js: ask main over IPC.' },
            {
              regex: '(^|/)electron/(?!ipc/(contract|create-api|commands)(\\.ts)?$)',
              message: 'The renderer may import only contract types, the pure createApi and the command catalog from electron/ipc.',
            },
            {
              group: ['**/electron/ipc/contract', '**/electron/ipc/contract.ts'],
              allowTypeImports: true,
              message: 'Import contract *types* only (import type …).',
            },
          ],
        },
      ],
    },
  },
);
