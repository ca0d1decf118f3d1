// Every temp file and folder of a test run goes under one folder of its own, removed at the end:
// tests make hundreds of mkdtemp folders (sshd keys, transfer trees, 1 MiB tmpfs mounts, browser
// profiles) and leaving them behind filled /tmp run after run. The first project's globalSetup
// creates it and points TMPDIR at it (os.tmpdir() reads TMPDIR, and the test workers start after
// the global setups, with this environment); the others see it is already set.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MARK = 'SKIFF_TEST_TMP_ROOT';

export default function setup(): (() => void) | undefined {
  if (process.env[MARK]) return undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-test-run-'));
  process.env[MARK] = root;
  process.env.TMPDIR = root;
  return () => {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (err) {
      // A mount a failed test left behind (tmpfs) keeps its folder: say so, do not fail the run.
      console.warn(`Could not remove the test run's temp folder ${root}: ${(err as Error).message}`);
    }
  };
}
