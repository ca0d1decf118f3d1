// Small helpers for the trust tests: temp dirs and public key blobs read from real .pub files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findOpenSsh } from '../../support/sshd';

/** A fresh temp dir; remove it with the returned cleanup. */
export function tempDir(prefix = 'skiff-trust-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The wire blob and type of an OpenSSH `.pub` file. */
export function readPub(pubFile: string): { keyType: string; key: Buffer; line: string } {
  const line = readFileSync(pubFile, 'utf8').trim();
  const [keyType, b64] = line.split(/\s+/);
  return { keyType: keyType!, key: Buffer.from(b64!, 'base64'), line };
}

/** A brand-new ed25519 key (a stand-in for "some other server"); returns its blob. */
export function newKey(dir: string, name: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): { keyType: string; key: Buffer; file: string } {
  const file = path.join(dir, name);
  execFileSync(findOpenSsh('ssh-keygen'), ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', file], { stdio: 'ignore' });
  return { ...readPub(`${file}.pub`), file };
}
