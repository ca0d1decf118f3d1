// Path helpers that work for both sides without Node's `path`: remote paths are posix;
// local ones are posix too except on Windows, where the bridge reports the separator.

export interface PathStyle {
  sep: '/' | '\\';
}

export const posix: PathStyle = { sep: '/' };

/** Joins a folder and a child name in the given style. */
export function joinPath(style: PathStyle, dir: string, name: string): string {
  if (dir.endsWith(style.sep) || (style.sep === '\\' && dir.endsWith('/'))) return dir + name;
  return `${dir}${style.sep}${name}`;
}

/** Parent folder; the root is its own parent. */
export function parentPath(style: PathStyle, p: string): string {
  const sep = style.sep;
  const trimmed = p.length > 1 && p.endsWith(sep) ? p.slice(0, -1) : p;
  if (sep === '\\' && /^[A-Za-z]:\\?$/.test(trimmed)) return trimmed.endsWith('\\') ? trimmed : `${trimmed}\\`;
  const i = trimmed.lastIndexOf(sep);
  if (i < 0) return trimmed;
  if (i === 0) return sep;
  const head = trimmed.slice(0, i);
  return sep === '\\' && /^[A-Za-z]:$/.test(head) ? `${head}\\` : head;
}

/** Last component of a path. */
export function baseName(style: PathStyle, p: string): string {
  const trimmed = p.length > 1 && p.endsWith(style.sep) ? p.slice(0, -1) : p;
  const i = trimmed.lastIndexOf(style.sep);
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

export interface Crumb {
  label: string;
  path: string;
}

/** Breadcrumbs from the root down to `p` ("/", "home", "alice"…). */
export function breadcrumbs(style: PathStyle, p: string): Crumb[] {
  const sep = style.sep;
  const crumbs: Crumb[] = [];
  if (sep === '/') {
    crumbs.push({ label: '/', path: '/' });
    let acc = '';
    for (const part of p.split('/').filter(Boolean)) {
      acc += `/${part}`;
      crumbs.push({ label: part, path: acc });
    }
    return crumbs;
  }
  const parts = p.split(/[\\/]/).filter(Boolean);
  let acc = '';
  parts.forEach((part, i) => {
    acc = i === 0 ? `${part}\\` : joinPath(style, acc, part);
    crumbs.push({ label: part, path: acc });
  });
  return crumbs;
}

/** Resolves `input` against `cwd` and normalizes it (no ".", "..", "//" or trailing "/"), posix style. */
export function normalizePosix(input: string, cwd = '/'): string {
  const raw = input.startsWith('/') ? input : `${cwd}/${input}`;
  const out: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** Normalizes a typed path for the given side's style (Windows paths are left to main). */
export function normalizeFor(style: PathStyle, input: string, cwd: string): string {
  const t = input.trim();
  if (style.sep === '/') return normalizePosix(t, cwd);
  return /^[A-Za-z]:[\\/]/.test(t) || t.startsWith('\\\\') ? t : joinPath(style, cwd, t);
}
