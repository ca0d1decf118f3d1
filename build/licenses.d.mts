// Types of build/licenses.mjs for the TypeScript files that import it (renderer/vite.config.ts).
import type { Plugin } from 'vite';
import type { LicenseDto } from '../electron/ipc/contract';

export declare const MAIN_EXTERNALS: string[];
export declare function packageOfFile(file: string): string | null;
export declare function mainPackages(root: string): Promise<string[]>;
/** One package, as the About dialog receives it. */
export type LicenseEntry = LicenseDto;
export declare function collectLicenses(root: string, roots: Array<{ names: string[]; part: 'main' | 'renderer' }>): LicenseEntry[];
export declare function licensesPlugin(root: string): Plugin;
