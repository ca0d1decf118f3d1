// Trust shared with OpenSSH, both ways, against the real test sshd:
// what ssh-keyscan writes Skiff trusts; what Skiff writes ssh accepts under StrictHostKeyChecking=yes.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOpenSsh, type HostKeys } from '../../support/sshd';
import { describeKeyBlob } from '../../../electron/core/trust/host-key';
import { KnownHostsStore } from '../../../electron/core/trust/known-hosts-store';
import { parseKnownHosts } from '../../../electron/core/trust/known-hosts-file';
import { hashName } from '../../../electron/core/trust/host-pattern';
import { readPub, tempDir } from './helpers';

const s = inject('sshd');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const TYPES: Array<{ name: keyof HostKeys; keyType: string; alg: string; label: string }> = [
  { name: 'ed25519', keyType: 'ssh-ed25519', alg: 'ssh-ed25519', label: 'ED25519' },
  { name: 'ecdsa', keyType: 'ecdsa-sha2-nistp256', alg: 'ecdsa-sha2-nistp256', label: 'ECDSA' },
  { name: 'rsa', keyType: 'ssh-rsa', alg: 'rsa-sha2-512', label: 'RSA' },
];

/** Runs `ssh … true` strictly against a known_hosts file; returns exit status and stderr. */
function strictSsh(knownHosts: string, extra: string[] = []): { status: number | null; stderr: string } {
  const r = spawnSync(
    findOpenSsh('ssh'),
    [
      // ssh keeps the FIRST value given for an option, so the caller's overrides go first.
      ...extra,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'LogLevel=ERROR',
      '-i',
      s.clientKeys.ed25519,
      '-p',
      String(s.port),
      `${s.user}@${s.host}`,
      'true',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
  );
  return { status: r.status, stderr: r.stderr };
}

describe('OpenSSH interop', () => {
  it('fingerprint and bits equal `ssh-keygen -lf` for the sshd ed25519, ecdsa and rsa host keys', () => {
    for (const t of TYPES) {
      const pub = `${s.hostKeys[t.name]}.pub`;
      const out = execFileSync(findOpenSsh('ssh-keygen'), ['-lf', pub], { encoding: 'utf8' }).trim();
      const m = /^(\d+) (SHA256:\S+) .* \((\w+)\)$/.exec(out);
      expect(m, out).not.toBeNull();
      const d = describeKeyBlob(readPub(pub).key);
      expect({ bits: d.bits, fingerprint: d.fingerprint, keyType: d.keyType }).toEqual({ bits: Number(m![1]), fingerprint: m![2], keyType: t.keyType });
      expect(m![3]).toBe(t.label);
    }
  });

  for (const hashed of [true, false]) {
    it(`a file written by ssh-keyscan ${hashed ? '-H ' : ''}verifies as trusted for every key type it returns`, async () => {
      const file = path.join(tmp.dir, `keyscan${hashed ? '-H' : ''}`);
      const out = execFileSync(findOpenSsh('ssh-keyscan'), [...(hashed ? ['-H'] : []), '-p', String(s.port), s.host], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      writeFileSync(file, out);
      const store = new KnownHostsStore({ userFiles: [file] });
      const types = out
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(' ')[1]);
      expect(types.sort()).toEqual(TYPES.map((t) => t.keyType).sort());
      for (const t of TYPES) {
        const r = await store.verify(s.host, s.port, readPub(`${s.hostKeys[t.name]}.pub`).key);
        expect({ type: t.name, status: r.status, hashed: r.matches.every((m) => m.hashed) }).toEqual({ type: t.name, status: 'trusted', hashed });
        expect(r.warnings).toEqual([]);
      }
      // and a key the server does not have is "changed", not trusted
      expect((await store.verify(s.host, s.port, readPub(`${s.clientKeys.stranger}.pub`).key)).status).toBe('changed');
    });
  }

  for (const hashKnownHosts of [false, true]) {
    it(`an entry Skiff writes (${hashKnownHosts ? 'hashed' : 'plain'} [host]:port) makes strict ssh connect without prompting, per key type`, async () => {
      for (const t of TYPES) {
        const file = path.join(tmp.dir, `skiff-written-${t.name}-${hashKnownHosts}`);
        const store = new KnownHostsStore({ userFiles: [file], hashKnownHosts });
        const { line } = await store.remember(s.host, s.port, readPub(`${s.hostKeys[t.name]}.pub`).key);
        expect(line.startsWith(hashKnownHosts ? '|1|' : `[${s.host}]:${s.port} ${t.keyType} `)).toBe(true);
        const r = strictSsh(file, ['-o', `HostKeyAlgorithms=${t.alg}`]);
        expect({ type: t.name, status: r.status, stderr: r.stderr }).toEqual({ type: t.name, status: 0, stderr: '' });
      }
    });
  }

  it('Skiff and strict ssh reach the same verdict on the same files (user + global), case by case', async () => {
    const ed = readPub(`${s.hostKeys.ed25519}.pub`);
    const rsa = readPub(`${s.hostKeys.rsa}.pub`);
    const stranger = readPub(`${s.clientKeys.stranger}.pub`);
    const k = (p: { keyType: string; key: Buffer }) => `${p.keyType} ${p.key.toString('base64')}`;
    const hp = `[${s.host}]:${s.port}`;
    const cases: Array<{ name: string; user: string[]; global?: string[]; skiff: string }> = [
      { name: 'right key', user: [`${hp} ${k(ed)}`], skiff: 'trusted' },
      { name: 'right key hashed', user: [`${hashName(hp)} ${k(ed)}`], skiff: 'trusted' },
      { name: 'wrong key', user: [`${hp} ${k(stranger)}`], skiff: 'changed' },
      { name: 'only another key type known', user: [`${hp} ${k(rsa)}`], skiff: 'changed' },
      { name: 'wrong key in user file, right key in global file', user: [`${hp} ${k(stranger)}`], global: [`${hp} ${k(ed)}`], skiff: 'trusted' },
      { name: 'wrong then right in one file', user: [`${hp} ${k(stranger)}`, `${hp} ${k(ed)}`], skiff: 'trusted' },
      { name: 'right key but @revoked', user: [`${hp} ${k(ed)}`, `@revoked * ${k(ed)}`], skiff: 'revoked' },
      { name: 'portless entry, right key', user: [`${s.host} ${k(ed)}`], skiff: 'trusted' },
      { name: 'portless entry, wrong key', user: [`${s.host} ${k(stranger)}`], skiff: 'unknown' },
      { name: 'wildcard', user: [`* ${k(ed)}`], skiff: 'trusted' },
      { name: 'bracket wildcard port', user: [`[${s.host}]:* ${k(ed)}`], skiff: 'trusted' },
      { name: 'negated host and [host]:port', user: [`!${hp},!${s.host},* ${k(ed)}`], skiff: 'unknown' },
      // ssh's portless retry looks up plain `host`, which the `*` still matches: trusted by both.
      { name: 'negated [host]:port only', user: [`!${hp},* ${k(ed)}`], skiff: 'trusted' },
      { name: '@cert-authority only', user: [`@cert-authority * ${k(ed)}`], skiff: 'unknown' },
      { name: 'garbage around the right key', user: ['garbage', `${hp} ${k(ed)}`, '@@@ nonsense'], skiff: 'trusted' },
    ];
    for (const c of cases) {
      const user = path.join(tmp.dir, `verdict-user-${cases.indexOf(c)}`);
      const global = path.join(tmp.dir, `verdict-global-${cases.indexOf(c)}`);
      writeFileSync(user, c.user.map((l) => `${l}\n`).join(''));
      writeFileSync(global, (c.global ?? []).map((l) => `${l}\n`).join(''));
      const ours = (await new KnownHostsStore({ userFiles: [user], systemFiles: [global] }).verify(s.host, s.port, ed.key)).status;
      const theirs = strictSsh(user, ['-o', 'HostKeyAlgorithms=ssh-ed25519', '-o', `GlobalKnownHostsFile=${global}`]).status === 0;
      expect({ case: c.name, skiff: ours, sshAccepts: theirs }).toEqual({ case: c.name, skiff: c.skiff, sshAccepts: c.skiff === 'trusted' });
    }
  });

  it('control: strict ssh refuses when the file holds a different key (so the test above can fail)', async () => {
    const file = path.join(tmp.dir, 'wrong-key');
    await new KnownHostsStore({ userFiles: [file] }).remember(s.host, s.port, readPub(`${s.clientKeys.stranger}.pub`).key);
    const r = strictSsh(file, ['-o', 'HostKeyAlgorithms=ssh-ed25519']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('ssh adding hosts (accept-new) while Skiff appends: no line from either is lost or torn', async () => {
    const file = path.join(tmp.dir, 'shared-concurrent');
    writeFileSync(file, '# shared with ssh\n');
    const store = new KnownHostsStore({ userFiles: [file] });
    const sshRuns = Array.from(
      { length: 4 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(
            findOpenSsh('ssh'),
            [
              '-o',
              'StrictHostKeyChecking=accept-new',
              '-o',
              `UserKnownHostsFile=${file}`,
              '-o',
              'GlobalKnownHostsFile=/dev/null',
              '-o',
              'HashKnownHosts=no',
              '-o',
              `HostKeyAlias=ssh-added-${i}`,
              '-o',
              'BatchMode=yes',
              '-o',
              'IdentitiesOnly=yes',
              '-o',
              'LogLevel=ERROR',
              '-i',
              s.clientKeys.ed25519,
              '-p',
              String(s.port),
              `${s.user}@${s.host}`,
              'true',
            ],
            { stdio: 'ignore' },
          );
          child.on('exit', (code) => resolve(code));
        }),
    );
    const ours = readPub(`${s.hostKeys.ecdsa}.pub`).key;
    // Keep appending (4 at a time) for as long as any ssh is running, so the writes really overlap.
    let sshDone = false;
    const allSsh = Promise.all(sshRuns).finally(() => {
      sshDone = true;
    });
    let added = 0;
    while (!sshDone || added < 40) {
      await Promise.all(Array.from({ length: 4 }, () => store.remember(`skiff-added-${added}`, 2200 + (added++ % 60000), ours)));
    }
    const codes = await allSsh;
    expect(codes).toEqual([0, 0, 0, 0]);
    const parsed = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(parsed.warnings).toEqual([]);
    const names = parsed.entries.map((e) => e.hostField);
    for (let i = 0; i < 4; i += 1) expect(names).toContain(`ssh-added-${i}`);
    for (let i = 0; i < added; i += 1) expect(names).toContain(`[skiff-added-${i}]:${2200 + (i % 60000)}`);
    expect(parsed.entries).toHaveLength(4 + added);
    console.log(`[trust] ${added} Skiff appends interleaved with 4 ssh accept-new writes; all ${4 + added} lines intact`);
    expect(readFileSync(file, 'utf8').startsWith('# shared with ssh\n')).toBe(true);
  });

  it('port-22 form (plain `host`, no brackets): ssh finds it by name (HostKeyAlias, ssh-keygen -F), hashed and plain', async () => {
    for (const hashKnownHosts of [false, true]) {
      const file = path.join(tmp.dir, `port22-${hashKnownHosts}`);
      const store = new KnownHostsStore({ userFiles: [file], hashKnownHosts });
      const { line } = await store.remember('skiff-alias.test', 22, readPub(`${s.hostKeys.ed25519}.pub`).key);
      if (!hashKnownHosts) expect(line.split(' ')[0]).toBe('skiff-alias.test');
      const found = execFileSync(findOpenSsh('ssh-keygen'), ['-F', 'skiff-alias.test', '-f', file], { encoding: 'utf8' });
      expect(found).toMatch(/found: line 1/);
      // HostKeyAlias makes ssh look up exactly this name, without a port: the port-22 lookup.
      const r = strictSsh(file, ['-o', 'HostKeyAlias=skiff-alias.test', '-o', 'HostKeyAlgorithms=ssh-ed25519']);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    }
  });
});
