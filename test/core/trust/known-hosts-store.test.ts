// KnownHostsStore against real files in temp dirs: the lookup rules, the writes, the big file.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { hashName } from '../../../electron/core/trust/host-pattern';
import { appendKnownHostsLine } from '../../../electron/core/trust/known-hosts-write';
import { isSkiffError } from '../../../electron/core/errors';
import { newKey, tempDir } from './helpers';

const tmp = tempDir();
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
  tmp.cleanup();
});

const serverA = newKey(tmp.dir, 'server-a');
const serverB = newKey(tmp.dir, 'server-b');
const serverRsa = newKey(tmp.dir, 'server-rsa', 'rsa');
const keyText = (k: { keyType: string; key: Buffer }) => `${k.keyType} ${k.key.toString('base64')}`;

let n = 0;
function fileWith(lines: string[], trailingNewline = true): string {
  n += 1;
  const f = path.join(tmp.dir, `kh-${n}`);
  writeFileSync(f, lines.join('\n') + (trailingNewline && lines.length ? '\n' : ''));
  return f;
}
const store = (file: string, extra: Partial<ConstructorParameters<typeof KnownHostsStore>[0]> = {}) => new KnownHostsStore({ userFiles: [file], ...extra });

describe('options', () => {
  it('rejects settings without a user file, or with empty paths, as INVALID_ARGUMENT', () => {
    for (const bad of [{ userFiles: [] }, { userFiles: [''] }, { userFiles: ['/x'], extraFiles: ['  '] }, { userFiles: ['/x\0y'] }]) {
      expect(() => new KnownHostsStore(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(new KnownHostsStore({ userFiles: ['/a', '/a'], systemFiles: ['/a', '/s'] })).toMatchObject({ userFiles: ['/a'], readOnlyFiles: ['/s'] });
  });
});

describe('verify', () => {
  it('trusted / changed (with file:line) / unknown for plain entries', async () => {
    const f = fileWith(['# hosts', `srv.example.com ${keyText(serverA)}`]);
    const s = store(f);
    expect((await s.verify('srv.example.com', 22, serverA.key)).status).toBe('trusted');
    expect((await s.verify('SRV.Example.com', 22, serverA.key)).status).toBe('trusted');
    const changed = await s.verify('srv.example.com', 22, serverB.key);
    expect(changed.status).toBe('changed');
    expect(changed.offending).toEqual([{ file: f, line: 2, keyType: 'ssh-ed25519', bits: 256, fingerprint: changed.matches[0]!.fingerprint, hashed: false }]);
    expect((await s.verify('other.example.com', 22, serverA.key)).status).toBe('unknown');
  });

  it('several keys and key types per host; a differing key of another type counts as changed (as ssh 9.x), same type listed first', async () => {
    const f = fileWith([`multi ${keyText(serverRsa)}`, `multi ${keyText(serverA)}`]);
    const s = store(f);
    expect((await s.verify('multi', 22, serverRsa.key)).status).toBe('trusted');
    expect((await s.verify('multi', 22, serverA.key)).status).toBe('trusted');
    const r = await s.verify('multi', 22, serverB.key);
    expect(r.status).toBe('changed');
    expect(r.offending!.map((o) => o.line)).toEqual([2, 1]);
    expect(await s.knownKeyTypes('multi', 22)).toEqual(['ssh-rsa', 'ssh-ed25519']);
  });

  it('@revoked is never trusted, even when a plain line trusts the same key', async () => {
    const f = fileWith([`srv ${keyText(serverA)}`, `@revoked * ${keyText(serverA)}`]);
    const r = await store(f).verify('srv', 22, serverA.key);
    expect(r.status).toBe('revoked');
    expect(r.revokedBy).toMatchObject([{ file: f, line: 2, marker: 'revoked' }]);
    // the revocation is per key: another host key of the same server is unaffected
    expect((await store(fileWith([`srv ${keyText(serverB)}`, `@revoked * ${keyText(serverA)}`])).verify('srv', 22, serverB.key)).status).toBe('trusted');
  });

  it('wildcards and negated patterns', async () => {
    const f = fileWith([`*.example.com,!bad.example.com ${keyText(serverA)}`, `10.0.?.1 ${keyText(serverA)}`]);
    const s = store(f);
    expect((await s.verify('web.example.com', 22, serverA.key)).status).toBe('trusted');
    expect((await s.verify('web.example.com', 22, serverB.key)).status).toBe('changed');
    expect((await s.verify('bad.example.com', 22, serverA.key)).status).toBe('unknown');
    expect((await s.verify('example.com', 22, serverA.key)).status).toBe('unknown');
    expect((await s.verify('10.0.7.1', 22, serverA.key)).status).toBe('trusted');
    expect((await s.verify('10.0.77.1', 22, serverA.key)).status).toBe('unknown');
  });

  it('[host]:2222 only matches port 2222; a plain host entry is accepted off port 22 only if the key is equal', async () => {
    const f = fileWith([`[srv.example.com]:2222 ${keyText(serverA)}`]);
    const s = store(f);
    expect((await s.verify('srv.example.com', 2222, serverA.key)).status).toBe('trusted');
    expect((await s.verify('srv.example.com', 2222, serverB.key)).status).toBe('changed');
    expect((await s.verify('srv.example.com', 22, serverA.key)).status).toBe('unknown');
    expect((await s.verify('srv.example.com', 2223, serverA.key)).status).toBe('unknown');
    // ssh's "found matching key w/out port"
    const g = fileWith([`plain.example.com ${keyText(serverA)}`]);
    const r = await store(g).verify('plain.example.com', 2222, serverA.key);
    expect(r).toMatchObject({ status: 'trusted', trustedBy: 'file-without-port', name: '[plain.example.com]:2222' });
    expect((await store(g).verify('plain.example.com', 2222, serverB.key)).status).toBe('unknown');
    // a [host]:22 line is never used: ssh looks up plain `host` on port 22
    expect((await store(fileWith([`[p22]:22 ${keyText(serverA)}`])).verify('p22', 22, serverA.key)).status).toBe('unknown');
  });

  it('pools user, system and extra files; warns about unreadable files, garbage lines and @cert-authority', async () => {
    const user = fileWith(['garbage line here', `sys.example.com ${keyText(serverB)}`]);
    const sys = fileWith([`sys.example.com ${keyText(serverA)}`, `@cert-authority *.example.com ${keyText(serverB)}`]);
    const notAFile = path.join(tmp.dir, 'a-dir');
    mkdirSync(notAFile);
    const s = store(user, { systemFiles: [sys, path.join(tmp.dir, 'missing')], extraFiles: [notAFile] });
    const r = await s.verify('sys.example.com', 22, serverA.key);
    expect(r.status).toBe('trusted');
    const texts = r.warnings.map((w) => w.text);
    expect(texts).toContain(`${user}:1: ${r.warnings.find((w) => w.file === user)!.message}`);
    expect(texts.some((t) => t.startsWith(`${sys}:2: @cert-authority`) && /not supported/.test(t))).toBe(true);
    expect(texts.some((t) => t.startsWith(notAFile) && /not a regular file/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes('missing'))).toBe(false);
  });

  it('inspect() reads every file up front and summarises entries and skipped lines', async () => {
    const user = fileWith([`${hashName('h1')} ${keyText(serverA)}`, `plain ${keyText(serverA)}`, 'junk']);
    const extra = fileWith([`@revoked * ${keyText(serverB)}`]);
    const r = await store(user, { extraFiles: [extra, path.join(tmp.dir, 'absent')] }).inspect();
    expect(r.files).toEqual([
      { file: user, entries: 2, hashed: 1, plain: 1 },
      { file: extra, entries: 1, hashed: 0, plain: 1 },
    ]);
    expect(r.warnings.map((w) => `${w.file}:${w.line}`)).toEqual([`${user}:3`]);
  });

  it('"trust once" lasts for this store (process) only and writes nothing', async () => {
    const f = fileWith([]);
    const s = store(f);
    s.trustOnce('once.example.com', 22, serverA.key);
    expect(await s.verify('once.example.com', 22, serverA.key)).toMatchObject({ status: 'trusted', trustedBy: 'session' });
    expect((await s.verify('once.example.com', 22, serverB.key)).status).toBe('unknown');
    expect(readFileSync(f, 'utf8')).toBe('');
    expect((await store(f).verify('once.example.com', 22, serverA.key)).status).toBe('unknown');
  });

  it('re-reads a file when it changes on disk (cache invalidation)', async () => {
    const f = fileWith([`a ${keyText(serverA)}`]);
    const s = store(f);
    expect((await s.verify('a', 22, serverB.key)).status).toBe('changed');
    writeFileSync(f, `a ${keyText(serverB)}\n`);
    expect((await s.verify('a', 22, serverB.key)).status).toBe('trusted');
  });

  it('a 10,000-line hashed file verifies quickly (time logged, not asserted)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i += 1) lines.push(`${hashName(`host-${i}.example.com`)} ${keyText(i % 2 ? serverA : serverRsa)}`);
    const f = fileWith(lines);
    const s = store(f);
    const tLoad = performance.now();
    const summary = await s.inspect();
    const t0 = performance.now();
    const first = await s.verify('host-9999.example.com', 22, serverA.key);
    const t1 = performance.now();
    const again = await s.verify('host-9999.example.com', 22, serverA.key);
    const t2 = performance.now();
    const other = await s.verify('host-4242.example.com', 22, serverRsa.key);
    const t3 = performance.now();
    const unknown = await s.verify('nope.example.com', 2222, serverA.key);
    const t4 = performance.now();
    expect(summary.files).toEqual([{ file: f, entries: 10_000, hashed: 10_000, plain: 0 }]);
    expect(first.status).toBe('trusted');
    expect(first.matches).toMatchObject([{ line: 10_000, hashed: true }]);
    expect(again.status).toBe('trusted');
    expect(other.status).toBe('trusted');
    expect(unknown.status).toBe('unknown');
    console.log(
      `[trust] 10,000-line hashed known_hosts (${(statSync(f).size / 1024).toFixed(0)} KiB, half RSA-2048): read+parse ${(t0 - tLoad).toFixed(1)} ms, first verify (10k HMAC) ${(t1 - t0).toFixed(1)} ms, ` +
        `same host again (cached) ${(t2 - t1).toFixed(2)} ms, another host (10k HMAC) ${(t3 - t2).toFixed(1)} ms, unknown host on port 2222 (2×10k HMAC) ${(t4 - t3).toFixed(1)} ms`,
    );
  });
});

describe('remember (append)', () => {
  it('never truncates: the old content is a prefix of the new, and a missing final newline is added first', async () => {
    const before = `# keep me\nold.example.com ${keyText(serverRsa)}`; // no trailing newline
    const f = fileWith([before], false);
    const s = store(f);
    const { line } = await s.remember('new.example.com', 2222, serverA.key);
    const after = readFileSync(f, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).toBe(`${before}\n${line}\n`);
    expect(line).toBe(`[new.example.com]:2222 ${keyText(serverA)}`);
    expect((await s.verify('new.example.com', 2222, serverA.key)).status).toBe('trusted');
    expect((await s.verify('old.example.com', 22, serverRsa.key)).status).toBe('trusted');
  });

  it('hashes when the file is already hashed, or when the setting says so; plain otherwise', async () => {
    const hashedFile = fileWith([`${hashName('x.example.com')} ${keyText(serverRsa)}`]);
    const r1 = await store(hashedFile).remember('y.example.com', 22, serverA.key);
    expect(r1.line).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
    expect((await store(hashedFile).verify('y.example.com', 22, serverA.key)).status).toBe('trusted');
    expect(readFileSync(hashedFile, 'utf8')).not.toContain('y.example.com');

    const plainFile = fileWith([`x.example.com ${keyText(serverRsa)}`]);
    expect((await store(plainFile).remember('y.example.com', 22, serverA.key)).line.startsWith('y.example.com ')).toBe(true);
    expect((await store(plainFile, { hashKnownHosts: true }).remember('z.example.com', 22, serverA.key)).line.startsWith('|1|')).toBe(true);
  });

  it('creates a missing ~/.ssh (0700) and known_hosts (0600)', async () => {
    const home = path.join(tmp.dir, 'home-new');
    const f = path.join(home, '.ssh', 'known_hosts');
    await store(f).remember('fresh', 22, serverA.key);
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect((await store(f).verify('fresh', 22, serverA.key)).status).toBe('trusted');
  });

  it('concurrent appends all land, each as one whole line', async () => {
    const f = fileWith([`seed ${keyText(serverRsa)}`]);
    const lines = Array.from({ length: 40 }, (_, i) => `[c${i}]:2222 ${keyText(i % 2 ? serverA : serverRsa)}`);
    await Promise.all(lines.map((l) => appendKnownHostsLine(f, l)));
    const got = readFileSync(f, 'utf8').split('\n');
    expect(got[0]).toBe(`seed ${keyText(serverRsa)}`);
    expect(got.slice(1, -1).sort()).toEqual([...lines].sort());
    expect(got.at(-1)).toBe('');
  });

  it('a read-only known_hosts gives a clear error and stays unchanged', async (ctx) => {
    const f = fileWith([`ro ${keyText(serverRsa)}`, `ro2 ${keyText(serverB)}`]);
    const before = readFileSync(f, 'utf8');
    if (process.getuid?.() === 0) {
      // root ignores permission bits; the immutable attribute stops root too (ext4/xfs/btrfs).
      try {
        execFileSync('chattr', ['+i', f], { stdio: 'ignore' });
      } catch {
        ctx.skip('running as root and chattr +i is unavailable here, so no file can be made read-only for this process');
      }
      cleanups.push(() => execFileSync('chattr', ['-i', f], { stdio: 'ignore' }));
    } else {
      chmodSync(f, 0o444);
    }
    const err = await store(f)
      .remember('new', 22, serverA.key)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isSkiffError(err, 'PERMISSION_DENIED')).toBe(true);
    expect((err as Error).message).toContain(f);
    expect((err as Error).message).toMatch(/permission denied/i);
    expect(readFileSync(f, 'utf8')).toBe(before);
    // replacing a changed key in a read-only file is refused too (a rename would otherwise get around it)
    const err2 = await store(f)
      .replace('ro2', 22, serverA.key) // same key type: the in-place rewrite path
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isSkiffError(err2, 'PERMISSION_DENIED')).toBe(true);
    expect((err2 as Error).message).toContain(f);
    expect(readFileSync(f, 'utf8')).toBe(before);
  });
});

describe('replace (changed key, after the double confirmation)', () => {
  it('rewrites only the offending line, atomically, keeping every other byte, the mode and the comment', async () => {
    const lines = [
      '# header comment',
      `alpha ${keyText(serverRsa)}`,
      `target.example.com ${keyText(serverA)} added by hand`,
      `${hashName('hashed-target')} ${keyText(serverA)}`,
      `omega ${keyText(serverA)}`,
    ];
    const f = fileWith(lines);
    chmodSync(f, 0o640);
    const s = store(f);
    expect((await s.verify('target.example.com', 22, serverB.key)).status).toBe('changed');
    const r = await s.replace('target.example.com', 22, serverB.key);
    expect(r.rewritten.map((x) => x.line)).toEqual([3]);
    expect(r.appendedTo).toBeUndefined();
    const after = readFileSync(f, 'utf8').split('\n');
    expect(after).toEqual([lines[0], lines[1], `target.example.com ${keyText(serverB)} added by hand`, lines[3], lines[4], '']);
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect((await s.verify('target.example.com', 22, serverB.key)).status).toBe('trusted');
    expect((await s.verify('omega', 22, serverA.key)).status).toBe('trusted');

    // hashed line: host field (salt+hash) kept, key replaced
    const r2 = await s.replace('hashed-target', 22, serverB.key);
    expect(r2.rewritten.map((x) => x.line)).toEqual([4]);
    const after2 = readFileSync(f, 'utf8').split('\n');
    expect(after2[3]).toBe(`${lines[3]!.split(' ')[0]} ${keyText(serverB)}`);
    expect(after2.filter((_, i) => i !== 3)).toEqual(after.filter((_, i) => i !== 3));
    expect(existsSync(`${f}.tmp`)).toBe(false);
  });

  it('leaves a line shared with other hosts alone and appends instead; keeps a symlinked known_hosts a symlink', async () => {
    const real = fileWith([`*.example.com ${keyText(serverA)}`]);
    const link = path.join(tmp.dir, 'kh-link');
    symlinkSync(real, link);
    const s = store(link);
    const r = await s.replace('web.example.com', 22, serverB.key);
    expect(r).toEqual({ rewritten: [], appendedTo: link });
    expect(readFileSync(real, 'utf8')).toBe(`*.example.com ${keyText(serverA)}\nweb.example.com ${keyText(serverB)}\n`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect((await s.verify('web.example.com', 22, serverB.key)).status).toBe('trusted');
    expect((await s.verify('api.example.com', 22, serverA.key)).status).toBe('trusted');
  });

  it('refuses a revoked key', async () => {
    const f = fileWith([`srv ${keyText(serverA)}`, `@revoked srv ${keyText(serverB)}`]);
    const before = readFileSync(f, 'utf8');
    await expect(store(f).replace('srv', 22, serverB.key)).rejects.toMatchObject({ code: 'HOST_KEY_REVOKED' });
    expect(readFileSync(f, 'utf8')).toBe(before);
  });
});
