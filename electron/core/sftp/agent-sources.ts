// Which SSH agents "use the agent" means on this machine. On Unix (and macOS) it is the socket in
// $SSH_AUTH_SOCK. On Windows that variable is usually unset: the OpenSSH agent that ships with
// Windows listens on a fixed named pipe, and PuTTY users run Pageant; ssh2 talks to both.

/** One agent to try: a socket path, a Windows named pipe, or ssh2's `'pageant'`. */
export interface AgentSource {
  /** For messages ("Tried ssh-agent and Pageant; …"). */
  label: string;
  agent: string;
}

/** The named pipe of Windows' own OpenSSH agent (the "OpenSSH Authentication Agent" service). */
export const WINDOWS_OPENSSH_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

/** The agents to try in order, or why there is none. */
export function defaultAgentSources(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): { sources: AgentSource[]; problem?: string } {
  const sock = env.SSH_AUTH_SOCK || undefined;
  const sources: AgentSource[] = sock ? [{ label: 'ssh-agent', agent: sock }] : [];
  if (platform === 'win32') {
    if (sock?.toLowerCase() !== WINDOWS_OPENSSH_AGENT_PIPE) sources.push({ label: 'the Windows OpenSSH agent', agent: WINDOWS_OPENSSH_AGENT_PIPE });
    sources.push({ label: 'Pageant', agent: 'pageant' });
  }
  return sources.length ? { sources } : { sources, problem: 'no agent is running (SSH_AUTH_SOCK is not set)' };
}
