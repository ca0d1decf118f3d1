// Types of build/licenses.mjs for the TypeScript files that import it (renderer/vite.config.ts).
import type { Plugin } from 'vite';

export declare const MAIN_EXTERNALS: string[];
export declare function packageOfFile(file: string): string | null;
export declare function mainPackages(root: string): Promise<string[]>;
export interface LicenseEntry {
  name: string;
  version: string;
  license: string;
  usedBy: Array<'main' | 'renderer'>;
  repository?: string;
  text?: string;
}
export declare function collectLicenses(root: string, roots: Array<{ names: string[]; part: 'main' | 'renderer' }>): LicenseEntry[];
export declare function licensesPlugin(root: string): Plugin;
