// What a server's host key looks like to Skiff: type, bits and the SHA256 fingerprint
// byte-for-byte as `ssh-keygen -lf` prints it ("SHA256:" + unpadded base64 of the blob's hash).
import { createHash } from 'node:crypto';

/** A server's host key as offered during key exchange. `key` is the raw wire-format public key blob. */
export interface HostKeyInfo {
  host: string;
  port: number;
  /** e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  keyType: string;
  key: Buffer;
  /** `SHA256:…` exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  bits: number;
}

/** `SHA256:<base64 without padding>` of a public key blob, as OpenSSH prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function readString(blob: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 4 > blob.length) throw new Error('truncated key blob');
  const len = blob.readUInt32BE(offset);
  const start = offset + 4;
  if (start + len > blob.length) throw new Error('truncated key blob');
  return { value: blob.subarray(start, start + len), next: start + len };
}

/** Bit length of an mpint (big-endian two's complement, possibly with a leading zero byte). */
function mpintBits(v: Buffer): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i += 1;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]!));
}

/** Parses a public key blob: its type name and size in bits, as `ssh-keygen -l` reports them. */
export function describeKeyBlob(blob: Buffer): { keyType: string; bits: number; fingerprint: string } {
  const t = readString(blob, 0);
  const keyType = t.value.toString('latin1');
  let bits = 0;
  if (keyType === 'ssh-rsa') {
    const e = readString(blob, t.next);
    bits = mpintBits(readString(blob, e.next).value);
  } else if (keyType.startsWith('ecdsa-sha2-nistp') || keyType.startsWith('sk-ecdsa-sha2-nistp')) {
    bits = Number(/nistp(\d+)/.exec(keyType)?.[1] ?? 0);
  } else if (keyType === 'ssh-ed25519' || keyType === 'sk-ssh-ed25519@openssh.com') {
    bits = 256;
  } else if (keyType === 'ssh-ed448') {
    bits = 456;
  } else if (keyType === 'ssh-dss') {
    bits = mpintBits(readString(blob, t.next).value);
  }
  return { keyType, bits, fingerprint: fingerprintSha256(blob) };
}

/** Builds a HostKeyInfo from the raw blob ssh2 hands to its host verifier. */
export function hostKeyInfo(host: string, port: number, blob: Buffer): HostKeyInfo {
  const d = describeKeyBlob(blob);
  return { host, port, key: Buffer.from(blob), ...d };
}
