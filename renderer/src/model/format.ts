// Human-readable numbers for sizes, dates, permissions, rates and ETAs.
import type { Entry } from './types';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB"; whole bytes below 1 KiB. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  if (u === 0) return `${v} B`;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[u]}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Compact, unambiguous local time: "2026-11-28 14:05". */
export function formatDate(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "rwxr-xr-x" for permission bits, including setuid/setgid/sticky like ls. */
export function formatMode(mode: number): string {
  const bit = (m: number, ch: string): string => (mode & m ? ch : '-');
  let s = '';
  s += bit(0o400, 'r') + bit(0o200, 'w');
  s += mode & 0o4000 ? (mode & 0o100 ? 's' : 'S') : bit(0o100, 'x');
  s += bit(0o040, 'r') + bit(0o020, 'w');
  s += mode & 0o2000 ? (mode & 0o010 ? 's' : 'S') : bit(0o010, 'x');
  s += bit(0o004, 'r') + bit(0o002, 'w');
  s += mode & 0o1000 ? (mode & 0o001 ? 't' : 'T') : bit(0o001, 'x');
  return s;
}

/** ls-style permissions column with the type letter: "drwxr-xr-x", "lrwxrwxrwx". */
export function formatPermissions(e: Pick<Entry, 'type' | 'mode'>): string {
  const t = e.type === 'directory' ? 'd' : e.type === 'symlink' ? 'l' : e.type === 'other' ? '?' : '-';
  return t + formatMode(e.mode);
}

/** Mode bits as 3 or 4 octal digits ("755", "4755"). */
export function formatOctal(mode: number): string {
  const m = mode & 0o7777;
  return m > 0o777 ? m.toString(8).padStart(4, '0') : m.toString(8).padStart(3, '0');
}

/** Parses "755" / "0755" / "4755"; null when not a valid octal mode. */
export function parseOctal(text: string): number | null {
  const t = text.trim();
  if (!/^[0-7]{3,4}$/.test(t)) return null;
  return parseInt(t, 8);
}

/** "12.3 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '';
  return `${formatSize(bytesPerSecond)}/s`;
}

/** A speed limit in KiB/s: "256 KiB/s", "2 MiB/s", "1.5 MiB/s". */
export function formatSpeedLimit(kibps: number): string {
  if (kibps < 1024) return `${kibps} KiB/s`;
  const mib = kibps / 1024;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB/s`;
}

/** "1:05", "2:03:04" or "" when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

/** Owner column: name where known, else uid (and group likewise). */
export function formatOwner(e: Pick<Entry, 'owner' | 'group' | 'uid' | 'gid'>): string {
  return `${e.owner ?? e.uid}:${e.group ?? e.gid}`;
}
