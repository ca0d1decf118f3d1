// No keychain: child processes without a usable Secret Service run the real secrets code
// (fixtures/no-keychain-child.ts). Expect KEYCHAIN_UNAVAILABLE with an actionable message, a
// working password prompt instead, and the test password nowhere: not in the config dir, not
// in anything the child printed or logged.
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const child = path.join(here, 'fixtures', 'no-keychain-child.ts');
const temps: string[] = [];
afterAll(() => {
  killKeyringDaemonsIn(temps);
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

// Safety net: a gnome-keyring-daemon that outlived its private bus would linger. Only daemons
// whose HOME is one of this file's temp dirs are ours; they are stopped by pid.
function killKeyringDaemonsIn(dirs: string[]): void {
  if (process.platform !== 'linux' || dirs.length === 0) return;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('gnome-keyring')) continue;
      const home = /(?:^|\0)HOME=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'latin1'))?.[1];
      if (home && dirs.some((d) => home.startsWith(d))) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone already, or not ours to read
    }
  }
}

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  results: Record<string, unknown>;
  configDir: string;
  home: string;
  secret: string;
}

function baseEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: home };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

async function runChild(envFor: (home: string) => NodeJS.ProcessEnv, command?: (node: string[]) => [string, string[]]): Promise<ChildRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'skiff-nokc-'));
  temps.push(tmp);
  const configDir = path.join(tmp, 'config', 'Skiff');
  const home = path.join(tmp, 'home');
  const secret = `skiff-test-pw-${randomBytes(8).toString('hex')}`;
  const node = [process.execPath, '--import', 'tsx', child];
  const [cmd, args] = command ? command(node) : [node[0]!, node.slice(1)];
  const env = { ...envFor(home), SKIFF_TEST_SECRET: secret, SKIFF_TEST_CONFIG_DIR: configDir };
  const { mkdirSync } = await import('node:fs');
  mkdirSync(home, { recursive: true });
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A hung keyring call must fail this test with the output so far, not stall the suite.
  const guard = setTimeout(() => proc.kill('SIGTERM'), 45_000);
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve)).finally(() => clearTimeout(guard));
  const last = stdout.trim().split('\n').pop() ?? '';
  let results: Record<string, unknown>;
  try {
    results = (JSON.parse(last) as { results: Record<string, unknown> }).results;
  } catch {
    throw new Error(`child printed no result (exit ${code}):\n${stdout}\n${stderr}`);
  }
  return { code, stdout, stderr, results, configDir, home, secret };
}

/** Every byte of every file under dir, concatenated (a recursive grep). */
function allBytes(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out += allBytes(p);
    else if (st.isFile()) out += readFileSync(p).toString('latin1');
  }
  return out;
}

function expectNoLeak(run: ChildRun): void {
  expect(run.stdout).not.toContain(run.secret);
  expect(run.stderr).not.toContain(run.secret);
  const files = allBytes(path.dirname(run.configDir));
  expect(files).toContain('nokeychain.example'); // the grep does see the config…
  expect(files).not.toContain(run.secret); // …and no password in it
  expect(allBytes(run.home)).not.toContain(run.secret);
}

type Err = { code: string; message: string };

function expectUnavailable(run: ChildRun, hint: RegExp): void {
  const r = run.results;
  for (const op of ['set'] as const) {
    const e = r[op] as Err;
    expect(e.code, JSON.stringify(r)).toBe('KEYCHAIN_UNAVAILABLE');
    expect(e.message).toMatch(hint);
    expect(e.message).toMatch(/ask for passwords each time; nothing is stored in plain text/);
  }
  expect((r.createWarning as Err).code).toBe('KEYCHAIN_UNAVAILABLE');
  // The app keeps working: the connect went through with a prompted password.
  expect((r.connect as { session: string }).session).toBe('session');
  expect((r.connect as { remembered: boolean }).remembered).toBe(false);
}

describe('without a keychain', () => {
  it('D-Bus socket missing: KEYCHAIN_UNAVAILABLE with next steps, prompt instead, no password anywhere', async () => {
    const run = await runChild((home) => ({ ...baseEnv(home), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/skiff-test/bus' }));
    expect(run.code).toBe(0);
    expectUnavailable(run, /No desktop session bus \(D-Bus\) is reachable.*gnome-keyring or KWallet/);
    for (const op of ['get', 'has', 'delete']) expect((run.results[op] as Err).code).toBe('KEYCHAIN_UNAVAILABLE');
    const [prompt] = run.results.prompts as Array<{ reason: string; canRemember: boolean; keychainMessage: string }>;
    expect(prompt).toMatchObject({ reason: 'keychain-unavailable', canRemember: false });
    expect(prompt!.keychainMessage).toMatch(/D-Bus/);
    expect(run.results.deleteBookmark).toMatchObject({ warning: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expectNoLeak(run);
  });

  it('no session bus and no $DISPLAY (“Cannot autolaunch D-Bus”): same, actionable', async () => {
    const run = await runChild(baseEnv);
    expect(run.code).toBe(0);
    expectUnavailable(run, /Cannot autolaunch D-Bus.*No desktop session bus/);
    expectNoLeak(run);
  });

  it('a locked keyring (private D-Bus session, gnome-keyring not unlocked): says to unlock it', async (ctx: TestContext) => {
    for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) ctx.skip(`${tool} is not installed (apt-get install dbus gnome-keyring)`);
    }
    // First session creates a password-protected login keyring in the temp HOME (daemon in the
    // foreground, so this shell owns and stops it); the second lets D-Bus activate the daemon
    // on demand without unlocking, as after a login that did not unlock the keyring.
    const script = [
      `dbus-run-session -- sh -c 'printf %s skiff-keyring-pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 & k=$!; i=0; while [ ! -e "$XDG_DATA_HOME/keyrings/login.keyring" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; kill $k; wait $k' >/dev/null 2>&1`,
      `test -e "$XDG_DATA_HOME/keyrings/login.keyring" || { echo "could not create a login keyring" >&2; exit 3; }`,
      `exec dbus-run-session -- "$@"`,
    ].join('; ');
    const run = await runChild(baseEnv, (node) => ['sh', ['-c', script, 'sh', ...node]]);
    expect(run.code).toBe(0);
    const set = run.results.set as Err;
    expect(set.code, JSON.stringify(run.results)).toBe('KEYCHAIN_UNAVAILABLE');
    expect(set.message).toMatch(/locked.*Unlock it/);
    // Reading a locked keyring finds nothing (not an error): the prompt then offers Remember,
    // and storing after the successful connect fails softly with a warning.
    expect((run.results.connect as { keychainWarning: Err }).keychainWarning.code).toBe('KEYCHAIN_UNAVAILABLE');
    expectNoLeak(run);
  });

  it('a Secret Service without any keyring: says to create one', async (ctx: TestContext) => {
    for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) ctx.skip(`${tool} is not installed (apt-get install dbus gnome-keyring)`);
    }
    // The bus activates gnome-keyring on first use; with a fresh HOME there is no keyring at all.
    const run = await runChild(baseEnv, (node) => ['dbus-run-session', ['--', ...node]]);
    expect(run.code).toBe(0);
    expectUnavailable(run, /no default keyring yet/);
    expectNoLeak(run);
  });

  it('a missing native keytar build is an explained KEYCHAIN_UNAVAILABLE, not a crash', async () => {
    const { KeytarSecretStore } = await import('../../../electron/core/secrets/keytar-secret-store');
    const store = new KeytarSecretStore({ load: () => import('skiff-no-such-native-module' as string) });
    const err = await store.get('sftp://u@h:22').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/keychain module could not be loaded.*Reinstall Skiff.*nothing is stored in plain text/);
    // The failure is remembered, not retried on every call.
    const again = await store.set('sftp://u@h:22', 'x').catch((e: unknown) => e);
    expect(again).toBe(err);
  });
});
