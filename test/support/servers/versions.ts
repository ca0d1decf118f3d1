// The version a server program reports about itself, as one short line for test names and the README.
import { spawnSync } from 'node:child_process';

/** First line of what `cmd args` prints (stdout or stderr: some print their version as an error), matching `re` if given. */
export function programVersion(cmd: string, args: string[], re?: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (re) {
    const m = re.exec(text);
    if (m) return (m[1] ?? m[0]).trim();
  }
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? 'unknown version'
  );
}
