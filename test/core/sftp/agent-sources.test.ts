// Which agents "use the agent" tries on each platform, and that the login plan walks through
// them in order (Windows: the OpenSSH agent's pipe, then Pageant) before the key file.
import { describe, expect, it } from 'vitest';
import { defaultAgentSources, WINDOWS_OPENSSH_AGENT_PIPE } from '../../../electron/core/sftp/agent-sources';
import { AuthPlan } from '../../../electron/core/sftp/auth';

describe('defaultAgentSources', () => {
  it('on Linux and macOS is $SSH_AUTH_SOCK, or nothing with the reason', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(defaultAgentSources({ SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1' }, platform)).toEqual({
        sources: [{ label: 'ssh-agent', agent: '/tmp/ssh-x/agent.1' }],
      });
      expect(defaultAgentSources({}, platform)).toEqual({ sources: [], problem: 'no agent is running (SSH_AUTH_SOCK is not set)' });
      expect(defaultAgentSources({ SSH_AUTH_SOCK: '' }, platform).sources).toEqual([]);
    }
  });

  it('on Windows without SSH_AUTH_SOCK is the OpenSSH agent pipe, then Pageant', () => {
    expect(WINDOWS_OPENSSH_AGENT_PIPE).toBe(String.raw`\\.\pipe\openssh-ssh-agent`);
    expect(defaultAgentSources({}, 'win32')).toEqual({
      sources: [
        { label: 'the Windows OpenSSH agent', agent: WINDOWS_OPENSSH_AGENT_PIPE },
        { label: 'Pageant', agent: 'pageant' },
      ],
    });
  });

  it('on Windows with SSH_AUTH_SOCK (Git Bash, a custom pipe) tries it first, and the default pipe only once', () => {
    expect(defaultAgentSources({ SSH_AUTH_SOCK: '/tmp/ssh-abc/agent.7' }, 'win32').sources.map((s) => s.agent)).toEqual([
      '/tmp/ssh-abc/agent.7',
      WINDOWS_OPENSSH_AGENT_PIPE,
      'pageant',
    ]);
    expect(defaultAgentSources({ SSH_AUTH_SOCK: String.raw`\\.\PIPE\openssh-ssh-agent` }, 'win32').sources.map((s) => s.label)).toEqual([
      'ssh-agent',
      'Pageant',
    ]);
  });
});

describe('AuthPlan with several agents', () => {
  it('offers each agent in turn, then the key; an unreachable one is named in AUTH_FAILED', () => {
    const plan = new AuthPlan({ username: 'ann', agents: defaultAgentSources({}, 'win32').sources });
    const sent: unknown[] = [];
    const next = (m: unknown): void => void sent.push(m);
    plan.handler(null as never, null as never, next as never);
    expect(sent.pop()).toEqual({ type: 'none', username: 'ann' });
    plan.handler(['publickey', 'password'], false, next as never);
    expect(sent.pop()).toEqual({ type: 'agent', username: 'ann', agent: WINDOWS_OPENSSH_AGENT_PIPE });
    // ssh2 reports an agent it cannot reach as an 'agent'-level error, then asks for the next method.
    plan.noteProblem(`the agent could not be used (connect ENOENT ${WINDOWS_OPENSSH_AGENT_PIPE})`);
    plan.handler(['publickey', 'password'], false, next as never);
    expect(sent.pop()).toEqual({ type: 'agent', username: 'ann', agent: 'pageant' });
    plan.handler(['publickey', 'password'], false, next as never);
    expect(sent.pop()).toBe(false);
    const e = plan.failure('h.example');
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toContain('Tried the Windows OpenSSH agent and Pageant');
    expect(e.message).toContain('the Windows OpenSSH agent: the agent could not be used (connect ENOENT');
  });
});
