// App settings in settings.json, on the same JsonFileStore machinery as bookmarks.
// Every field has a default, so a file from an older build (missing keys) simply loads.
import path from 'node:path';
import { z } from 'zod';
import { JsonFileStore, zodIssues, type LoadProblem, type StoreIssue } from './json-file-store';
import { InvalidFieldsError } from './invalid-fields-error';
import { DEFAULT_EDIT_LARGE_FILE_MIB } from '../edit/edit-values';
import { SFTP_LINK_HANDLER_CHOICES } from './sftp-link-handler';
import { DEFAULT_CONFLICT_POLICIES, SPEED_LIMIT_KIBPS } from '../transfer-shapes';
import { HOST_KEY_POLICIES } from '../trust/host-key-decisions';
import { THEMES } from './setting-choices';
import { DEAD_LINK_SECONDS } from '../sftp/reconnect-policy';

export const SETTINGS_VERSION = 1;
export const SETTINGS_FILE = 'settings.json';

const windowBoundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(150).max(100_000),
  maximized: z.boolean().default(false),
});

function speedLimit() {
  return z.number().int().min(SPEED_LIMIT_KIBPS.min).max(SPEED_LIMIT_KIBPS.max).nullable().default(null);
}

const fields = {
  theme: z.enum(THEMES).default('system'),
  showHidden: z.boolean().default(false),
  /** OpenSSH StrictHostKeyChecking analogue: ask | accept-new | yes (never "no"). */
  hostKeyPolicy: z.enum(HOST_KEY_POLICIES).default('ask'),
  extraKnownHostsFiles: z.array(z.string().min(1).max(4096)).max(64).default([]),
  hashKnownHosts: z.boolean().default(false),
  transferConcurrency: z.number().int().min(1).max(16).default(4),
  conflictDefault: z.enum(DEFAULT_CONFLICT_POLICIES).default('ask'),
  preservePermissions: z.boolean().default(true),
  windowBounds: windowBoundsSchema.nullable().default(null),
  /** The program remote files are edited in, split like a shell would (never run by one); empty = the system's default application. */
  editorCommand: z.string().max(4096).default(''),
  /** Files larger than this (MiB) ask before they are downloaded for editing. */
  editLargeFileMiB: z.number().int().min(1).max(1_048_576).default(DEFAULT_EDIT_LARGE_FILE_MIB),
  /** Whether the installed app opens sftp:// links (asked once, see sftp-link-handler.ts). */
  sftpLinkHandler: z.enum(SFTP_LINK_HANDLER_CHOICES).default('ask'),
  /** A link silent this long (keepalives unanswered, no RST) counts as dropped (issue 13). */
  deadLinkSeconds: z.number().int().min(DEAD_LINK_SECONDS.min).max(DEAD_LINK_SECONDS.max).default(DEAD_LINK_SECONDS.default),
  /** Queue-wide speed limits, KiB/s; null = no limit (the default). */
  uploadLimitKiBps: speedLimit(),
  downloadLimitKiBps: speedLimit(),
};

export const settingsSchema = z.object({ version: z.literal(SETTINGS_VERSION), ...fields });
export type Settings = z.output<typeof settingsSchema>;
/** A partial edit as the UI sends it. */
export type SettingsPatch = Partial<z.input<z.ZodObject<typeof fields>>>;

/** The engine's speed limits (bytes per second, null = off) from the settings. */
export function speedLimitsOf(s: Pick<Settings, 'uploadLimitKiBps' | 'downloadLimitKiBps'>): {
  uploadBytesPerSec: number | null;
  downloadBytesPerSec: number | null;
} {
  const bytes = (kib: number | null): number | null => (kib === null ? null : kib * 1024);
  return { uploadBytesPerSec: bytes(s.uploadLimitKiBps), downloadBytesPerSec: bytes(s.downloadLimitKiBps) };
}

const defaults = (): Settings => settingsSchema.parse({ version: SETTINGS_VERSION });

/** Keeps every valid field of a damaged settings file; bad ones fall back to their default and are reported. */
export function salvageSettings(doc: Record<string, unknown>): { value: Settings; issues: StoreIssue[] } {
  const value: Record<string, unknown> = { ...defaults() };
  const issues: StoreIssue[] = [];
  for (const [key, schema] of Object.entries(fields)) {
    if (!(key in doc)) continue;
    const parsed = (schema as z.ZodType).safeParse(doc[key]);
    if (parsed.success) value[key] = parsed.data;
    else for (const i of zodIssues(parsed.error)) issues.push({ path: i.path ? `${key}.${i.path}` : key, message: `${i.message} (reset to the default)` });
  }
  return { value: value as Settings, issues };
}

/** Settings with validated, atomic, queued writes. */
export class SettingsStore {
  private constructor(private readonly doc: JsonFileStore<Settings>) {}

  /** Opens `<configDir>/settings.json`; problems are reported, never thrown. */
  static async open(options: { configDir: string; now?: () => Date }): Promise<SettingsStore> {
    const doc = await JsonFileStore.open<Settings>({
      file: path.join(options.configDir, SETTINGS_FILE),
      label: 'settings',
      version: SETTINGS_VERSION,
      schema: settingsSchema,
      empty: defaults,
      salvage: salvageSettings,
      describeRecovered: () => 'Valid settings were kept; the others are back to their defaults',
      ...(options.now ? { now: options.now } : {}),
    });
    return new SettingsStore(doc);
  }

  get problems(): readonly LoadProblem[] {
    return this.doc.problems;
  }

  get readOnly(): string | null {
    return this.doc.readOnly;
  }

  get file(): string {
    return this.doc.file;
  }

  /** The current settings (a copy). */
  get(): Settings {
    return this.doc.get();
  }

  /** Validates and saves a partial change; INVALID_ARGUMENT names the bad field. */
  async update(patch: SettingsPatch): Promise<Settings> {
    const parsed = z.object(fields).partial().strict().safeParse(patch);
    if (!parsed.success) throw new InvalidFieldsError('setting', zodIssues(parsed.error));
    // Only keys the caller actually sent: partial() would otherwise fill defaults over current values.
    const sent = Object.fromEntries(Object.entries(parsed.data).filter(([k, v]) => k in patch && v !== undefined));
    await this.doc.update((current) => ({ ...current, ...sent }));
    return this.doc.get();
  }

  /** Back to defaults (one atomic write). */
  async reset(): Promise<Settings> {
    await this.doc.update(() => defaults());
    return this.doc.get();
  }
}
