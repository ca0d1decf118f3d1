// Settings: appearance, files, host-key trust, transfers. Loaded with settings:get, saved as
// one patch of the changed fields with settings:set (main validates and writes atomically).
import { useEffect, useState } from 'react';
import type { SettingsDto, SettingsPatch, SkiffApi } from '../../../electron/ipc/contract';
import { describeError } from '../model/errors';
import { DialogButtons } from './dialog-buttons';
import { Modal } from './modal';

type Theme = SettingsDto['theme'];
type Policy = SettingsDto['hostKeyPolicy'];
type Conflict = SettingsDto['conflictDefault'];
type LinkHandler = SettingsDto['sftpLinkHandler'];

// One label per value of core's sets (a Record, so a new value cannot go without one).
const THEMES: Record<Theme, string> = { system: 'Follow the system', light: 'Light', dark: 'Dark' };

// OpenSSH's StrictHostKeyChecking, minus "no": a changed key is never accepted silently.
const POLICIES: Record<Policy, [string, string]> = {
  ask: ['Ask for new hosts', 'Show the key of a server seen for the first time and let you decide (recommended).'],
  'accept-new': ['Trust new hosts automatically', 'Remember a first-seen key without asking; a changed key is still refused.'],
  yes: ['Only known hosts', 'Connect only to servers already in known_hosts; add others with ssh first.'],
};

const CONFLICTS: Record<Conflict, string> = {
  ask: 'Ask each time',
  overwrite: 'Overwrite',
  'overwrite-if-newer': 'Overwrite if the source is newer',
  skip: 'Skip',
  rename: 'Keep both (rename the copy)',
  resume: 'Resume partial files',
};

const entries = <K extends string, V>(r: Record<K, V>): Array<[K, V]> => Object.entries(r) as Array<[K, V]>;

const LINK_HANDLERS: Array<[LinkHandler, string]> = [
  ['ask', 'Ask at the next start'],
  ['yes', 'Open them in Skiff'],
  ['no', 'Leave them to other apps'],
];

type SpeedUnit = 'KiB' | 'MiB';
/** Bounds of a speed limit, KiB/s (core's SPEED_LIMIT_KIBPS; the renderer imports no values from main). */
const LIMIT_MAX_KIBPS = 10 * 1024 * 1024;

/** A stored limit as the form shows it: whole MiB/s in MiB, anything else in KiB; empty = no limit. */
function limitToForm(kib: number | null): [string, SpeedUnit] {
  if (kib === null) return ['', 'MiB'];
  return kib % 1024 === 0 ? [String(kib / 1024), 'MiB'] : [String(kib), 'KiB'];
}

/** The form's limit in KiB/s: null for empty, undefined when it is not a valid limit. */
function limitOf(value: string, unit: SpeedUnit): number | null | undefined {
  const v = value.trim();
  if (v === '') return null;
  if (!/^\d+(\.\d+)?$/.test(v)) return undefined;
  // 1.5 MiB/s is fine (1,536 KiB/s); the setting is kept in whole KiB/s.
  const kib = unit === 'MiB' ? Math.round(Number(v) * 1024) : Number(v);
  if (!Number.isInteger(kib) || kib < 1 || kib > LIMIT_MAX_KIBPS) return undefined;
  return kib;
}

interface Form {
  theme: Theme;
  showHidden: boolean;
  hostKeyPolicy: Policy;
  hashKnownHosts: boolean;
  extraKnownHosts: string;
  concurrency: string;
  conflictDefault: Conflict;
  preservePermissions: boolean;
  sftpLinkHandler: LinkHandler;
  editorCommand: string;
  editLargeFileMiB: string;
  deadLinkSeconds: string;
  uploadLimit: string;
  uploadUnit: SpeedUnit;
  downloadLimit: string;
  downloadUnit: SpeedUnit;
}

function toForm(s: SettingsDto): Form {
  const [uploadLimit, uploadUnit] = limitToForm(s.uploadLimitKiBps);
  const [downloadLimit, downloadUnit] = limitToForm(s.downloadLimitKiBps);
  return {
    uploadLimit,
    uploadUnit,
    downloadLimit,
    downloadUnit,
    theme: s.theme,
    showHidden: s.showHidden,
    hostKeyPolicy: s.hostKeyPolicy,
    hashKnownHosts: s.hashKnownHosts,
    extraKnownHosts: s.extraKnownHostsFiles.join('\n'),
    concurrency: String(s.transferConcurrency),
    conflictDefault: s.conflictDefault,
    preservePermissions: s.preservePermissions,
    sftpLinkHandler: s.sftpLinkHandler,
    editorCommand: s.editorCommand,
    editLargeFileMiB: String(s.editLargeFileMiB),
    deadLinkSeconds: String(s.deadLinkSeconds),
  };
}

const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** Only what changed, so a save never rewrites settings the user did not touch. */
function patchOf(before: SettingsDto, f: Form): SettingsPatch {
  const p: SettingsPatch = {};
  if (f.theme !== before.theme) p.theme = f.theme;
  if (f.showHidden !== before.showHidden) p.showHidden = f.showHidden;
  if (f.hostKeyPolicy !== before.hostKeyPolicy) p.hostKeyPolicy = f.hostKeyPolicy;
  if (f.hashKnownHosts !== before.hashKnownHosts) p.hashKnownHosts = f.hashKnownHosts;
  const extra = lines(f.extraKnownHosts);
  if (extra.join('\n') !== before.extraKnownHostsFiles.join('\n')) p.extraKnownHostsFiles = extra;
  if (Number(f.concurrency) !== before.transferConcurrency) p.transferConcurrency = Number(f.concurrency);
  if (f.conflictDefault !== before.conflictDefault) p.conflictDefault = f.conflictDefault;
  if (f.preservePermissions !== before.preservePermissions) p.preservePermissions = f.preservePermissions;
  if (f.sftpLinkHandler !== before.sftpLinkHandler) p.sftpLinkHandler = f.sftpLinkHandler;
  if (f.editorCommand.trim() !== before.editorCommand) p.editorCommand = f.editorCommand.trim();
  if (Number(f.editLargeFileMiB) !== before.editLargeFileMiB) p.editLargeFileMiB = Number(f.editLargeFileMiB);
  if (Number(f.deadLinkSeconds) !== before.deadLinkSeconds) p.deadLinkSeconds = Number(f.deadLinkSeconds);
  const up = limitOf(f.uploadLimit, f.uploadUnit);
  if (up !== undefined && up !== before.uploadLimitKiBps) p.uploadLimitKiBps = up;
  const down = limitOf(f.downloadLimit, f.downloadUnit);
  if (down !== undefined && down !== before.downloadLimitKiBps) p.downloadLimitKiBps = down;
  return p;
}

/** Why the form cannot be saved, or null. */
function formProblem(f: Form): string | null {
  const n = Number(f.concurrency);
  if (!/^\d+$/.test(f.concurrency.trim()) || n < 1 || n > 16) return 'Simultaneous transfers must be a whole number from 1 to 16.';
  const rel = lines(f.extraKnownHosts).find((l) => !(l.startsWith('/') || /^[A-Za-z]:[\\/]/.test(l)));
  if (rel !== undefined) return `“${rel}” is not an absolute path. Give each known_hosts file as a full path.`;
  const mib = Number(f.editLargeFileMiB);
  if (!/^\d+$/.test(f.editLargeFileMiB.trim()) || mib < 1 || mib > 1_048_576)
    return 'The size to ask before editing must be a whole number of MiB, at least 1.';
  const dead = Number(f.deadLinkSeconds);
  if (!/^\d+$/.test(f.deadLinkSeconds.trim()) || dead < 5 || dead > 120)
    return 'A silent connection counts as dropped after a whole number of seconds from 5 to 120.';
  for (const [name, value, unit] of [
    ['upload', f.uploadLimit, f.uploadUnit],
    ['download', f.downloadLimit, f.downloadUnit],
  ] as const) {
    if (limitOf(value, unit) === undefined)
      return `The ${name} speed limit must be a number from 1 KiB/s to 10,240 MiB/s (whole KiB/s), or empty for no limit.`;
  }
  return null;
}

/** The settings dialog; `onSaved` gets the settings main stored. */
export function SettingsDialog(props: { api: SkiffApi; onSaved: (s: SettingsDto) => void; onCancel: () => void }) {
  const { api } = props;
  const [before, setBefore] = useState<SettingsDto | null>(null);
  const [f, setF] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    api.settings.get().then(
      (s) => {
        if (!live) return;
        setBefore(s);
        setF(toForm(s));
      },
      (err: unknown) => live && setLoadError(describeError(err).message),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const set = <K extends keyof Form>(k: K, v: Form[K]): void => setF((o) => (o ? { ...o, [k]: v } : o));
  const problem = f ? formProblem(f) : null;

  const save = async (): Promise<void> => {
    if (!f || !before || problem !== null || saving) return;
    const patch = patchOf(before, f);
    if (Object.keys(patch).length === 0) {
      props.onSaved(before);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      props.onSaved(await api.settings.set(patch));
    } catch (err) {
      const d = describeError(err);
      setError(`${d.message} ${d.code === 'INVALID_ARGUMENT' ? '' : d.hint}`.trim());
      setSaving(false);
    }
  };

  return (
    <Modal title="Settings" onCancel={props.onCancel} className="settings-dialog">
      {loadError !== null ? (
        <p className="danger-text" role="alert">
          Could not read the settings: {loadError}
        </p>
      ) : null}
      {f === null && loadError === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
      {f !== null ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset className="form-group">
            <legend>Theme</legend>
            <div role="radiogroup" aria-label="Theme" className="radio-row">
              {entries(THEMES).map(([v, label]) => (
                <label key={v} className="check">
                  <input type="radio" name="theme" value={v} checked={f.theme === v} onChange={() => set('theme', v)} /> {label}
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset className="form-group">
            <legend>Files</legend>
            <label className="check">
              <input type="checkbox" checked={f.showHidden} onChange={(e) => set('showHidden', e.target.checked)} /> Show hidden files
            </label>
          </fieldset>

          <fieldset className="form-group">
            <legend>Host keys</legend>
            <div role="radiogroup" aria-label="New host keys">
              {entries(POLICIES).map(([v, [label, why]]) => (
                <label key={v} className="check radio-explained">
                  <input
                    type="radio"
                    name="hostKeyPolicy"
                    value={v}
                    checked={f.hostKeyPolicy === v}
                    onChange={() => set('hostKeyPolicy', v)}
                    aria-describedby={`policy-${v}`}
                  />
                  <span>
                    {label}
                    <span id={`policy-${v}`} className="small muted explain">
                      {why}
                    </span>
                  </span>
                </label>
              ))}
            </div>
            <p className="small muted">A server whose key changed is always refused until you review it.</p>
            <label className="check">
              <input type="checkbox" checked={f.hashKnownHosts} onChange={(e) => set('hashKnownHosts', e.target.checked)} /> Hash host names in known_hosts
            </label>
            <label className="field">
              <span>Extra known_hosts files (one path per line)</span>
              <textarea
                rows={2}
                spellCheck={false}
                value={f.extraKnownHosts}
                placeholder="/etc/ssh/ssh_known_hosts2"
                onChange={(e) => set('extraKnownHosts', e.target.value)}
              />
            </label>
          </fieldset>

          <fieldset className="form-group">
            <legend>Transfers</legend>
            <label className="field">
              <span>Simultaneous transfers</span>
              <input
                type="number"
                min={1}
                max={16}
                step={1}
                value={f.concurrency}
                aria-invalid={problem?.startsWith('Simultaneous') || undefined}
                onChange={(e) => set('concurrency', e.target.value)}
              />
            </label>
            <label className="field">
              <span>Treat a silent connection as dropped after (seconds)</span>
              <input
                type="number"
                min={5}
                max={120}
                step={1}
                value={f.deadLinkSeconds}
                aria-invalid={problem?.startsWith('A silent connection') || undefined}
                onChange={(e) => set('deadLinkSeconds', e.target.value)}
              />
            </label>
            {(
              [
                ['upload', 'Upload speed limit', 'uploadLimit', 'uploadUnit'],
                ['download', 'Download speed limit', 'downloadLimit', 'downloadUnit'],
              ] as const
            ).map(([name, label, value, unit]) => (
              <div key={name} className="field speed-limit">
                <label htmlFor={`settings-${name}-limit`}>{label}</label>
                <div className="speed-limit-row">
                  <input
                    id={`settings-${name}-limit`}
                    type="number"
                    min={0}
                    step="any"
                    inputMode="decimal"
                    placeholder="No limit"
                    value={f[value]}
                    aria-describedby="settings-limit-why"
                    aria-invalid={problem?.startsWith(`The ${name} speed limit`) || undefined}
                    onChange={(e) => set(value, e.target.value)}
                  />
                  <select aria-label={`${label} unit`} value={f[unit]} onChange={(e) => set(unit, e.target.value as SpeedUnit)}>
                    <option value="KiB">KiB/s</option>
                    <option value="MiB">MiB/s</option>
                  </select>
                </div>
              </div>
            ))}
            <p id="settings-limit-why" className="small muted">
              Empty means no limit. Each limit is shared by all uploads (or all downloads) at once and applies to running transfers too.
            </p>
            <label className="field">
              <span id="settings-conflict-label">When a file already exists</span>
              <select aria-labelledby="settings-conflict-label" value={f.conflictDefault} onChange={(e) => set('conflictDefault', e.target.value as Conflict)}>
                {entries(CONFLICTS).map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={f.preservePermissions} onChange={(e) => set('preservePermissions', e.target.checked)} /> Preserve permissions
            </label>
          </fieldset>

          <fieldset className="form-group">
            <legend>Editing remote files</legend>
            <label className="field">
              <span>Editor command</span>
              <input
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={f.editorCommand}
                placeholder="Empty: the system's default application"
                aria-describedby="settings-editor-why"
                onChange={(e) => set('editorCommand', e.target.value)}
              />
            </label>
            <p id="settings-editor-why" className="small muted">
              For example <code>code --wait</code> or <code>gedit</code>. Split into words like a shell would, but no shell runs it; the file's path is added as
              the last argument.
            </p>
            <label className="field">
              <span>Ask before editing files larger than (MiB)</span>
              <input
                type="number"
                min={1}
                step={1}
                value={f.editLargeFileMiB}
                aria-invalid={problem?.startsWith('The size to ask') || undefined}
                onChange={(e) => set('editLargeFileMiB', e.target.value)}
              />
            </label>
          </fieldset>

          <fieldset className="form-group">
            <legend>Links</legend>
            <label className="field">
              <span id="settings-links-label">sftp:// links from other apps</span>
              <select
                aria-labelledby="settings-links-label"
                aria-describedby="settings-links-why"
                value={f.sftpLinkHandler}
                onChange={(e) => set('sftpLinkHandler', e.target.value as LinkHandler)}
              >
                {LINK_HANDLERS.map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <p id="settings-links-why" className="small muted">
              A link opens Quick Connect, filled in; nothing connects by itself. Applies to the installed app.
            </p>
          </fieldset>

          {problem !== null || error !== null ? (
            <p className="danger-text" role="alert">
              {error ?? problem}
            </p>
          ) : null}
          <DialogButtons ok={{ label: saving ? 'Saving…' : 'Save', disabled: problem !== null || saving }} cancel={props.onCancel} />
        </form>
      ) : (
        <DialogButtons cancel={{ label: 'Close', onClick: props.onCancel }} />
      )}
    </Modal>
  );
}
