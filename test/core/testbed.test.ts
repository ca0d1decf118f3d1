import { describe, expect, inject, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { findOpenSsh } from '../support/sshd';

describe('test bed', () => {
  it('runs a real OpenSSH sshd that accepts the fixture key', () => {
    const s = inject('sshd');
    const out = execFileSync(
      findOpenSsh('ssh'),
      [
        '-i',
        s.clientKeys.ed25519,
        '-p',
        String(s.port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'LogLevel=ERROR',
        `${s.user}@${s.host}`,
        'echo skiff-ok',
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('skiff-ok');
  });
});
