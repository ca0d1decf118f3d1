// The layer rules of ARCHITECTURE.md are enforced by lint; this proves the rules bite,
// so a config edit that silently disables them fails the suite.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'build/eslint.config.js') });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('core may not import electron, React or the layers above', async () => {
    const file = 'electron/core/sftp/probe.ts';
    expect(await restrictedImports(file, "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports(file, "import React from 'react';\nexport const a = React;\n")).toHaveLength(1);
    expect(await restrictedImports(file, "import { x } from '../../ipc/contract';\nexport const a = x;\n")).toHaveLength(1);
    expect(await restrictedImports(file, "import { readFile } from 'node:fs/promises';\nexport const a = readFile;\n")).toEqual([]);
  });

  it('the renderer may not import Node, electron, ssh2, keytar or main-side code', async () => {
    const file = 'renderer/src/probe.ts';
    for (const mod of ['node:fs', 'fs', 'child_process', 'electron', 'ssh2', 'keytar', '../../electron/core/errors']) {
      const found = await restrictedImports(file, `import * as m from '${mod}';\nexport const a = m;\n`);
      expect(found.length, `import of ${mod}`).toBeGreaterThan(0);
    }
  });

  it('the renderer may import contract types (not values) and the pure createApi', async () => {
    const file = 'renderer/src/probe.ts';
    expect(await restrictedImports(file, "import type { X } from '../../electron/ipc/contract';\nexport type A = X;\n")).toEqual([]);
    expect(await restrictedImports(file, "import { X } from '../../electron/ipc/contract';\nexport const a = X;\n")).not.toEqual([]);
    expect(await restrictedImports(file, "import { createApi } from '../../electron/ipc/create-api';\nexport const a = createApi;\n")).toEqual([]);
  });

  it('the renderer may import the command catalog (values too); the catalog itself imports nothing', async () => {
    expect(await restrictedImports('renderer/src/probe.ts', "import { COMMANDS } from '../../electron/ipc/commands';\nexport const a = COMMANDS;\n")).toEqual(
      [],
    );
    expect(await restrictedImports('renderer/src/probe.ts', "import { x } from '../../electron/ipc/register';\nexport const a = x;\n")).not.toEqual([]);
    const [result] = await eslint.lintText("import { z } from 'zod';\nexport const a = z;\n", { filePath: path.join(root, 'electron/ipc/commands.ts') });
    expect((result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)).toEqual([expect.stringMatching(/no imports/)]);
  });

  it('IPC handlers may not import electron directly (they also run in the web bridge)', async () => {
    expect(await restrictedImports('electron/ipc/handlers/probe.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toHaveLength(1);
  });
});
