// Writing to a user's known_hosts, which ssh(1) and ssh-keygen(1) may be writing too.
//
// Adding a host: O_APPEND, one write(2) of one whole line, never temp + rename. Why:
// - ssh itself adds hosts with fopen("a"), i.e. O_APPEND. On a local file system every
//   O_APPEND write lands at the current end, so a line ssh appends at the same moment is
//   kept. Temp + rename would read the file, then replace it: a line ssh appended in
//   between would be silently lost, and the rename would also replace a symlinked
//   known_hosts (dotfile repos) with a plain file and drop its owner/ACLs/xattrs.
// - O_APPEND cannot truncate: the bytes before are never rewritten, so a crash or a full
//   disk can at worst leave a cut-off last line. We prevent even that: on a short write
//   we truncate back to the old size (only if nobody else appended meanwhile). A cut-off
//   line would in any case be skipped by ssh and by Skiff (the key blob no longer parses).
// - We add a leading newline when the file does not end with one, so our line never
//   glues onto a last line a hand edit left unterminated.
//
// Replacing a changed key: rewrite to a temp file in the same directory (mode and owner
// kept), fsync, and rename over the real path (symlinks resolved first, as ssh-keygen -R
// does), after checking the lines we replace are still exactly what we read.
import { promises as fsp, constants as fsc } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SkiffError, fromNodeError } from '../errors';

const APPEND_HINT = 'Fix the file’s permissions (or free space), or choose “Trust once” to connect without saving.';
const REWRITE_HINT = 'Fix the file’s permissions (or free space) and try again, or edit that line yourself (ssh-keygen -R removes a host).';

function writeError(err: unknown, file: string, hint: string): SkiffError {
  const e = err as NodeJS.ErrnoException;
  const base = fromNodeError(err, file);
  const reason =
    e?.code === 'EACCES' || e?.code === 'EPERM'
      ? 'permission denied'
      : e?.code === 'EROFS'
        ? 'the file system is read-only'
        : e?.code === 'ENOSPC' || e?.code === 'EDQUOT'
          ? 'the disk is full'
          : (e?.message ?? String(err));
  return new SkiffError(base.code, `Skiff could not save the host key to ${file}: ${reason}. Nothing in the file was changed. ${hint}`, {
    path: file,
    cause: err,
  });
}

/** Appends one line to a known_hosts file with O_APPEND (creating it 0600, and its folder 0700, if missing). */
export async function appendKnownHostsLine(file: string, line: string): Promise<void> {
  if (line.includes('\n') || line.includes('\r')) throw new SkiffError('INVALID_ARGUMENT', 'A known_hosts line cannot contain a line break.');
  let fh: fsp.FileHandle | undefined;
  try {
    try {
      fh = await fsp.open(file, fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      fh = await fsp.open(file, fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT, 0o600);
    }
    const before = (await fh.stat()).size;
    let prefix = '';
    if (before > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, before - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    const data = Buffer.from(`${prefix}${line}\n`, 'utf8');
    let written = 0;
    try {
      // One write(2) normally takes the whole line; loop only for the rare short write.
      while (written < data.length) {
        const { bytesWritten } = await fh.write(data, written, data.length - written);
        if (bytesWritten === 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
        written += bytesWritten;
      }
      await fh.sync();
    } catch (err) {
      // Undo a partial line, but only if the file is exactly "before + our bytes".
      if (written > 0) {
        const now = (await fh.stat().catch(() => undefined))?.size;
        if (now === before + written) await fh.truncate(before).catch(() => undefined);
      }
      throw err;
    }
  } catch (err) {
    throw err instanceof SkiffError ? err : writeError(err, file, APPEND_HINT);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** One line to replace: 1-based line number, the exact text expected there now, and its new text. */
export interface LineReplacement {
  line: number;
  expect: string;
  replacement: string;
}

/** Rewrites only the given lines of a known_hosts file, atomically (temp + rename), keeping mode and owner. */
export async function rewriteKnownHostsLines(file: string, replacements: LineReplacement[]): Promise<void> {
  let target: string;
  try {
    target = await fsp.realpath(file);
  } catch (err) {
    throw writeError(err, file, REWRITE_HINT);
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.skiff-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const st = await fsp.stat(target);
    // A rename would succeed even on a read-only file (only the folder must be writable);
    // a user who made known_hosts read-only does not want it replaced behind their back.
    await fsp.access(target, fsc.W_OK);
    const text = await fsp.readFile(target, 'utf8');
    const lines = text.split('\n');
    for (const r of replacements) {
      if (r.replacement.includes('\n') || r.replacement.includes('\r'))
        throw new SkiffError('INVALID_ARGUMENT', 'A known_hosts line cannot contain a line break.');
      if (lines[r.line - 1] !== r.expect) {
        throw new SkiffError(
          'FAILURE',
          `${file}:${r.line} changed while Skiff was updating it (another program wrote to it). Nothing was changed; please retry.`,
          {
            path: file,
          },
        );
      }
      // Keep a CRLF line ending if the line had one.
      lines[r.line - 1] = r.expect.endsWith('\r') ? `${r.replacement}\r` : r.replacement;
    }
    const fh = await fsp.open(tmp, 'wx', st.mode & 0o7777);
    try {
      await fh.writeFile(lines.join('\n'), 'utf8');
      // The temp file was created with our umask applied; set the exact original mode.
      await fh.chmod(st.mode & 0o7777);
      if (process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) await fh.chown(st.uid, st.gid);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Last check right before the swap: if someone appended meanwhile, we would drop their line.
    const now = await fsp.stat(target);
    if (now.size !== st.size || now.mtimeMs !== st.mtimeMs) {
      throw new SkiffError('FAILURE', `${file} changed while Skiff was updating it (another program wrote to it). Nothing was changed; please retry.`, {
        path: file,
      });
    }
    await fsp.rename(tmp, target);
    // Make the rename itself durable; not every platform can fsync a directory.
    const dh = await fsp.open(dir, 'r').catch(() => undefined);
    await dh?.sync().catch(() => undefined);
    await dh?.close().catch(() => undefined);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err instanceof SkiffError ? err : writeError(err, file, REWRITE_HINT);
  }
}
