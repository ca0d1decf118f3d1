// What the About dialog shows: the versions the app runs on and the licences of what it ships
// (licenses.json, written by the renderer build; see build/licenses.mjs). The file is validated
// like every other file read from disk; a missing or broken one is said, not thrown.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import type { AboutDto, LicenseDto } from '../ipc/contract';

const licensesFileSchema = z.object({
  packages: z
    .array(
      z.object({
        name: z.string().min(1).max(214),
        version: z.string().min(1).max(256),
        license: z.string().min(1).max(256),
        usedBy: z.array(z.enum(['main', 'renderer'])).min(1),
        repository: z.string().max(2048).optional(),
        text: z.string().max(100_000).optional(),
      }),
    )
    .max(5000),
});

export interface AboutOptions {
  name: string;
  version: string;
  mode: AboutDto['mode'];
  /** licenses.json of the build that is running (absent: none was built). */
  licensesFile?: string;
  /** A folder whose node_modules holds main's runtime dependencies (the version of ssh2 is read there). */
  modulesFrom?: string;
}

/** Builds the About service; the licence list is read once and kept. */
export function createAbout(opts: AboutOptions): () => Promise<AboutDto> {
  let licenses: Promise<{ licenses: LicenseDto[] | null; licensesProblem?: string }> | undefined;
  const versions: AboutDto['versions'] = { node: process.versions.node, v8: process.versions.v8 };
  // Electron's main process reports its own and Chromium's versions; plain Node (the web preview) has neither.
  const electronVersions = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  if (electronVersions.electron) versions.electron = electronVersions.electron;
  if (electronVersions.chrome) versions.chromium = electronVersions.chrome;
  const ssh2 = packageVersion('ssh2', opts.modulesFrom ?? process.cwd());
  if (ssh2) versions.ssh2 = ssh2;
  return async () => {
    licenses ??= readLicenses(opts.licensesFile);
    return { name: opts.name, version: opts.version, mode: opts.mode, versions, ...(await licenses) };
  };
}

function packageVersion(name: string, from: string): string | undefined {
  try {
    const meta: unknown = createRequire(path.join(from, 'package.json'))(`${name}/package.json`);
    const parsed = z.object({ version: z.string().max(256) }).safeParse(meta);
    return parsed.success ? parsed.data.version : undefined;
  } catch {
    return undefined;
  }
}

async function readLicenses(file: string | undefined): Promise<{ licenses: LicenseDto[] | null; licensesProblem?: string }> {
  if (!file) return { licenses: null, licensesProblem: 'This build has no licence list (the renderer was not built with it).' };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { licenses: null, licensesProblem: `The licence list ${path.basename(file)} is missing from this build.` };
  }
  try {
    return { licenses: licensesFileSchema.parse(JSON.parse(text)).packages };
  } catch {
    return { licenses: null, licensesProblem: `The licence list ${path.basename(file)} is damaged.` };
  }
}
