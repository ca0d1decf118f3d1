// Authentication planning for connect(): which methods to try, in which order, with what,
// and — when every one fails — a sentence saying what was tried and why each failed.
// ssh2 drives the protocol; we drive it through its `authHandler` so that only methods
// the server lists as allowed are tried, in our order: agent, key file, keyboard-interactive, password.
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, NextAuthHandler, ParsedKey } from 'ssh2';
import { SkiffError } from '../errors';
import { userFsPromises } from '../fs/user-fs';
import type { AgentSource } from './agent-sources';
import type { AuthMethod, ConnectOptions } from './types';

const { utils } = ssh2;

/** A private key ready for ssh2, with a label for messages ("id_ed25519"). */
export interface LoadedKey {
  key: ParsedKey;
  label: string;
}

/** Reads and parses the private key of `opts`; rejects with KEY_FILE_INVALID / PASSPHRASE_REQUIRED before any network traffic. */
export async function loadPrivateKey(opts: Pick<ConnectOptions, 'privateKey' | 'privateKeyPath' | 'passphrase'>): Promise<LoadedKey | undefined> {
  let text: Buffer | string;
  let label: string;
  if (opts.privateKey !== undefined && opts.privateKey.length > 0) {
    text = opts.privateKey;
    label = opts.privateKeyPath ? path.basename(opts.privateKeyPath) : 'the given key';
  } else if (opts.privateKeyPath) {
    label = path.basename(opts.privateKeyPath);
    try {
      text = await userFsPromises.readFile(opts.privateKeyPath);
    } catch (err) {
      const why =
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'it does not exist'
          : (err as NodeJS.ErrnoException).code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
      throw new SkiffError('KEY_FILE_INVALID', `Cannot read the private key file “${opts.privateKeyPath}”: ${why}.`, { path: opts.privateKeyPath, cause: err });
    }
  } else {
    return undefined;
  }
  const where = opts.privateKeyPath ? { path: opts.privateKeyPath } : {};
  const parsed = utils.parseKey(text, opts.passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw new SkiffError('PASSPHRASE_REQUIRED', `The private key ${label} is protected by a passphrase. Enter the passphrase to use it.`, {
        ...where,
        cause: parsed,
      });
    }
    if (opts.passphrase !== undefined && /passphrase|integrity|decrypt/i.test(parsed.message)) {
      throw new SkiffError('PASSPHRASE_REQUIRED', `The passphrase for the private key ${label} is wrong. Enter it again.`, { ...where, cause: parsed });
    }
    throw new SkiffError('KEY_FILE_INVALID', `${label} is not a private key Skiff can read (OpenSSH or PEM; RSA, ECDSA or Ed25519 expected).`, {
      ...where,
      cause: parsed,
    });
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) {
    throw new SkiffError('KEY_FILE_INVALID', `${label} holds a public key, not a private key. Choose the file without “.pub”.`, { ...where });
  }
  return { key, label };
}

/** What happened to one method: refused by the server, or why it could not even be tried. */
export interface AuthAttempt {
  method: AuthMethod;
  label: string;
  /** undefined = the server refused it; otherwise our own reason (agent unreachable, …). */
  problem?: string;
}

/** One step of the plan, in the order we try them. */
interface PlanStep {
  method: AuthMethod;
  label: string;
  /** Wire method name the server must allow. */
  wire: 'publickey' | 'keyboard-interactive' | 'password';
  /** When true the step is used only if the server does not allow `password` (kbd-int carrying the password). */
  onlyWithoutPassword?: boolean;
  make: (username: string) => AnyAuthMethod;
}

export interface AuthPlanInput {
  username: string;
  key?: LoadedKey;
  /** Agents to try, in order (each one that cannot be reached is noted and the next is tried). */
  agents?: readonly AgentSource[];
  /** Why no agent can be tried, when one was asked for but none is known. */
  agentProblem?: string;
  password?: string;
  /** Prompt function in ssh2's shape; provided by the session (it pauses the connect timer). */
  keyboard?: (name: string, instructions: string, prompts: Array<{ prompt: string; echo: boolean }>, finish: (answers: string[]) => void) => void;
}

/** Drives ssh2's authHandler and remembers every attempt for the final AUTH_FAILED message. */
export class AuthPlan {
  readonly attempts: AuthAttempt[] = [];
  private readonly steps: PlanStep[] = [];
  /** Steps the server accepted but that were not enough on their own (multi-factor). */
  private readonly partials: string[] = [];
  /** Steps we had credentials for but the server does not allow. */
  private readonly skipped: PlanStep[] = [];
  private current: PlanStep | undefined;
  private sentNone = false;
  private lastAllowed: string[] | null = null;

  constructor(private readonly input: AuthPlanInput) {
    const { key, agents = [], password, keyboard } = input;
    for (const a of agents) {
      this.steps.push({ method: 'agent', label: a.label, wire: 'publickey', make: (username) => ({ type: 'agent', username, agent: a.agent }) });
    }
    if (agents.length === 0 && input.agentProblem) {
      this.attempts.push({ method: 'agent', label: 'ssh-agent', problem: input.agentProblem });
    }
    if (key) {
      this.steps.push({
        method: 'publickey',
        label: `public key (${key.label})`,
        wire: 'publickey',
        make: (username) => ({ type: 'publickey', username, key: key.key }),
      });
    }
    if (keyboard) {
      this.steps.push({
        method: 'keyboard-interactive',
        label: 'keyboard-interactive',
        wire: 'keyboard-interactive',
        make: (username) => ({
          type: 'keyboard-interactive',
          username,
          prompt: (name, instructions, _lang, prompts, finish) =>
            keyboard(
              name,
              instructions,
              prompts.map((q) => ({ prompt: q.prompt, echo: q.echo === true })),
              finish,
            ),
        }),
      });
    }
    if (password !== undefined) {
      this.steps.push({ method: 'password', label: 'password', wire: 'password', make: (username) => ({ type: 'password', username, password }) });
      if (!keyboard) {
        // Many PAM servers allow only keyboard-interactive and ask one secret "Password:" prompt;
        // answer that with the given password, as other desktop clients do.
        this.steps.push({
          method: 'keyboard-interactive',
          label: 'password (keyboard-interactive)',
          wire: 'keyboard-interactive',
          onlyWithoutPassword: true,
          make: (username) => ({
            type: 'keyboard-interactive',
            username,
            prompt: (_n, _i, _l, prompts, finish) => finish(prompts.length === 1 && !prompts[0]!.echo ? [password] : prompts.map(() => '')),
          }),
        });
      }
    }
  }

  /** Records a problem for the method in progress (e.g. the agent socket did not answer). */
  noteProblem(problem: string): void {
    if (this.current) {
      this.attempts.push({ method: this.current.method, label: this.current.label, problem });
      this.current = undefined;
    }
  }

  /** After ssh2 reports 'ready': the method that got us in (undefined if the server let `none` through). */
  get succeededMethod(): AuthMethod | undefined {
    return this.current?.method;
  }

  /** ssh2 `authHandler`: first a `none` probe to learn the allowed list, then our steps the server allows. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft: string[] | null, partial: boolean | null, next: NextAuthHandler): void => {
    if (this.current) {
      // Partial success (e.g. AuthenticationMethods publickey,keyboard-interactive): that step
      // passed, the server wants another one on top.
      if (partial) this.partials.push(this.current.label);
      else this.attempts.push({ method: this.current.method, label: this.current.label });
      this.current = undefined;
    }
    if (methodsLeft) this.lastAllowed = methodsLeft;
    if (!this.sentNone) {
      this.sentNone = true;
      next({ type: 'none', username: this.input.username });
      return;
    }
    const allowed = this.lastAllowed ?? ['publickey', 'keyboard-interactive', 'password'];
    for (;;) {
      const step = this.steps.shift();
      if (!step) {
        // ssh2 accepts `false` (= give up) although its typings do not list it.
        (next as unknown as (v: false) => void)(false);
        return;
      }
      if (!allowed.includes(step.wire)) {
        if (!step.onlyWithoutPassword) this.skipped.push(step);
        continue;
      }
      if (step.onlyWithoutPassword && allowed.includes('password')) continue;
      this.current = step;
      next(step.make(this.input.username));
      return;
    }
  };

  /** The methods the server said it accepts (after the `none` probe). */
  get serverMethods(): string[] | null {
    return this.lastAllowed;
  }

  /** AUTH_FAILED with what was tried and why each failed. */
  failure(host: string): SkiffError {
    const user = this.input.username;
    if (this.partials.length) {
      const wants = this.lastAllowed && this.lastAllowed.length ? this.lastAllowed.join(' or ') : 'another method';
      const more = this.attempts.length ? ` Refused: ${this.attempts.map((a) => (a.problem ? `${a.label} (${a.problem})` : a.label)).join(', ')}.` : '';
      return new SkiffError(
        'AUTH_FAILED',
        `Could not log in to ${host} as ${user}: ${this.partials.join(' and ')} was accepted, but the server also requires ${wants}.${more}`,
      );
    }
    const tried = this.attempts;
    const allowed = this.lastAllowed;
    if (tried.length === 0) {
      const offered = allowed && allowed.length ? allowed.join(', ') : 'nothing';
      const given = this.skipped.length ? ` (given: ${this.skipped.map((s) => s.label).join(', ')})` : '';
      return new SkiffError(
        'AUTH_FAILED',
        `Could not log in to ${host} as ${user}: the server accepts only ${offered}, and no matching credentials were given${given}.`,
      );
    }
    const refused = tried.filter((a) => a.problem === undefined).map((a) => a.label);
    const problems = tried.filter((a) => a.problem !== undefined).map((a) => `${a.label}: ${a.problem}`);
    const labels = tried.map((a) => a.label);
    const list = labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]!}`;
    let tail: string;
    if (problems.length === 0)
      tail = refused.length === 1 ? 'the server refused it' : refused.length === 2 ? 'the server refused both' : 'the server refused all of them';
    else if (refused.length === 0) tail = problems.join('; ');
    else tail = `the server refused ${refused.join(', ')}; ${problems.join('; ')}`;
    const notAllowed = this.skipped.map((s) => s.label);
    const extra = notAllowed.length ? ` (${notAllowed.join(', ')} not allowed by the server)` : '';
    return new SkiffError('AUTH_FAILED', `Could not log in to ${host} as ${user}. Tried ${list}; ${tail}${extra}.`);
  }
}
