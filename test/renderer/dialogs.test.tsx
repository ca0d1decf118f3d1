// The questions main asks, answered through the real App: host key (new and changed),
// keyboard-interactive prompts, transfer conflicts with "apply to all".
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { QuestionDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const FP = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
const OLD_FP = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

async function startApp() {
  const fake = fakeBridge({ tree: { '/home/me': [entry('/home/me', 'a.txt')] } });
  render(<App api={fake.api} />);
  await screen.findByRole('grid', { name: 'Local files' });
  const ask = (q: QuestionDto) => act(() => fake.emit('question:ask', q));
  return { fake, ask };
}

describe('host-key dialog', () => {
  it('shows host:port, key type, bits and a copyable monospace fingerprint; "Trust and remember" answers', async () => {
    const { fake, ask } = await startApp();
    ask({
      id: 'q1',
      kind: 'host-key',
      timeoutMs: 60_000,
      status: 'unknown',
      host: 'example.org',
      port: 2222,
      name: '[example.org]:2222',
      keyType: 'ssh-ed25519',
      bits: 256,
      fingerprint: FP,
      warnings: [],
    });
    const dialog = await screen.findByRole('dialog', { name: /host key/i });
    expect(dialog.textContent).toContain('example.org:2222');
    expect(dialog.textContent).toContain('ssh-ed25519 (256 bits)');
    const fp = within(dialog).getByRole('textbox', { name: 'SHA256 fingerprint' }) as HTMLInputElement;
    expect(fp.value).toBe(FP);
    expect(fp.readOnly).toBe(true);
    expect(fp.className).toContain('mono');
    expect(within(dialog).getByRole('button', { name: 'Copy' })).toBeTruthy();
    // The safe choice has focus: Enter alone does not trust anything.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Trust and remember' }));
    await waitFor(() => expect(fake.callsOf('question:answer')).toEqual([{ id: 'q1', answer: { kind: 'host-key', decision: 'trust-remember' } }]));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('"Trust once" and "Cancel" give their own decisions; Escape cancels', async () => {
    const { fake, ask } = await startApp();
    const q = (id: string): QuestionDto => ({
      id,
      kind: 'host-key',
      timeoutMs: 60_000,
      status: 'unknown',
      host: 'h',
      port: 22,
      name: 'h',
      keyType: 'ssh-rsa',
      bits: 3072,
      fingerprint: FP,
      warnings: [],
    });
    ask(q('a'));
    fireEvent.click(within(await screen.findByRole('dialog', { name: /host key/i })).getByRole('button', { name: 'Trust once' }));
    ask(q('b'));
    fireEvent.click(within(await screen.findByRole('dialog', { name: /host key/i })).getByRole('button', { name: 'Cancel' }));
    ask(q('c'));
    fireEvent.keyDown(await screen.findByRole('dialog', { name: /host key/i }), { key: 'Escape' });
    await waitFor(() =>
      expect(fake.callsOf('question:answer').map((a) => (a as { answer: { decision: string } }).answer.decision)).toEqual(['trust-once', 'cancel', 'cancel']),
    );
  });

  it('a changed key is a red warning with old and new fingerprints and known_hosts file:line; default is Disconnect; replacing takes two steps', async () => {
    const { fake, ask } = await startApp();
    const base: Omit<Extract<QuestionDto, { kind: 'host-key' }>, 'id' | 'kind' | 'status'> = {
      timeoutMs: 60_000,
      host: 'srv',
      port: 22,
      name: 'srv',
      keyType: 'ssh-ed25519',
      bits: 256,
      fingerprint: FP,
      warnings: [],
      stored: [{ keyType: 'ssh-ed25519', bits: 256, fingerprint: OLD_FP, file: '/home/me/.ssh/known_hosts', line: 7 }],
    };
    ask({ id: 'c1', kind: 'host-key', status: 'changed', ...base });
    const dialog = await screen.findByRole('dialog', { name: /host key/i });
    expect(dialog.className).toContain('danger');
    expect((within(dialog).getByRole('textbox', { name: 'Old fingerprint' }) as HTMLInputElement).value).toBe(OLD_FP);
    expect((within(dialog).getByRole('textbox', { name: 'New fingerprint' }) as HTMLInputElement).value).toBe(FP);
    expect(dialog.textContent).toContain('/home/me/.ssh/known_hosts:7');
    expect(within(dialog).queryByRole('button', { name: 'Trust and remember' })).toBeNull();
    const disconnect = within(dialog).getByRole('button', { name: 'Disconnect' });
    expect(document.activeElement).toBe(disconnect);
    fireEvent.click(within(dialog).getByRole('button', { name: /Replace key/ }));
    ask({ id: 'c2', kind: 'host-key', status: 'confirm-replace', ...base });
    const confirm = await screen.findByRole('dialog', { name: /host key/i });
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Disconnect' }));
    fireEvent.click(within(confirm).getByRole('button', { name: /Yes, replace/ }));
    await waitFor(() =>
      expect(fake.callsOf('question:answer')).toEqual([
        { id: 'c1', answer: { kind: 'host-key', decision: 'replace' } },
        { id: 'c2', answer: { kind: 'host-key', decision: 'confirm-replace' } },
      ]),
    );
  });

  it('drops a dialog main closed (timeout)', async () => {
    const { fake, ask } = await startApp();
    ask({
      id: 't1',
      kind: 'host-key',
      timeoutMs: 1,
      status: 'unknown',
      host: 'h',
      port: 22,
      name: 'h',
      keyType: 'ssh-ed25519',
      bits: 256,
      fingerprint: FP,
      warnings: [],
    });
    await screen.findByRole('dialog', { name: /host key/i });
    act(() => fake.emit('question:closed', { id: 't1', reason: 'timeout' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: /host key/i })).toBeNull());
  });
});

describe('keyboard-interactive dialog', () => {
  it('renders each prompt, hides answers when echo is off, and sends the responses in order', async () => {
    const { fake, ask } = await startApp();
    ask({
      id: 'k1',
      kind: 'keyboard-interactive',
      timeoutMs: 60_000,
      sessionLabel: 'me@srv',
      name: 'Two-factor',
      instructions: 'Answer both.',
      prompts: [
        { prompt: 'Username: ', echo: true },
        { prompt: 'Code: ', echo: false },
      ],
    });
    const dialog = await screen.findByRole('dialog', { name: 'Two-factor' });
    const user = within(dialog).getByLabelText('Username:') as HTMLInputElement;
    const code = within(dialog).getByLabelText('Code:') as HTMLInputElement;
    expect(user.type).toBe('text');
    expect(code.type).toBe('password');
    fireEvent.change(user, { target: { value: 'alice' } });
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await waitFor(() =>
      expect(fake.callsOf('question:answer')).toEqual([{ id: 'k1', answer: { kind: 'keyboard-interactive', responses: ['alice', '123456'] } }]),
    );
  });

  it('Cancel answers null', async () => {
    const { fake, ask } = await startApp();
    ask({
      id: 'k2',
      kind: 'keyboard-interactive',
      timeoutMs: 60_000,
      sessionLabel: 'me@srv',
      name: '',
      instructions: '',
      prompts: [{ prompt: 'Password: ', echo: false }],
    });
    fireEvent.click(within(await screen.findByRole('dialog', { name: /Sign in/ })).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fake.callsOf('question:answer')).toEqual([{ id: 'k2', answer: { kind: 'keyboard-interactive', responses: null } }]));
  });
});

describe('conflict dialog', () => {
  it('shows both files and answers with "apply to all"', async () => {
    const { fake, ask } = await startApp();
    ask({
      id: 'f1',
      kind: 'conflict',
      timeoutMs: 60_000,
      jobId: 'j1',
      direction: 'upload',
      source: { path: '/home/me/report.pdf', size: 2048, mtimeMs: Date.UTC(2026, 5, 2, 12, 0) },
      target: { path: '/srv/report.pdf', size: 1_048_576, mtimeMs: Date.UTC(2025, 1, 1, 8, 0) },
      canResume: false,
    });
    const dialog = await screen.findByRole('dialog', { name: 'File already exists' });
    expect(dialog.textContent).toContain('2.0 KiB');
    expect(dialog.textContent).toContain('1.0 MiB');
    expect(dialog.textContent).toContain('2026-06-0');
    expect(dialog.textContent).toContain('2025-02-01');
    expect(dialog.textContent).toContain('(newer)');
    expect((within(dialog).getByRole('button', { name: 'Resume' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Apply to all' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Overwrite if newer' }));
    await waitFor(() =>
      expect(fake.callsOf('question:answer')).toEqual([{ id: 'f1', answer: { kind: 'conflict', action: 'overwrite-if-newer', applyToAll: true } }]),
    );
  });
});

describe('file operation dialogs', () => {
  it('delete confirmation says how many items and that folders go recursively', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [entry('/home/me', 'a.txt'), entry('/home/me', 'photos', { type: 'directory' }), entry('/home/me', 'b.txt')] },
      handlers: { 'local:delete': () => undefined },
    });
    render(<App api={fake.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(4));
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    fireEvent.keyDown(grid, { key: 'Delete' });
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete 3 items?' });
    expect(dialog.textContent).toMatch(/1 folder will be deleted recursively/);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(fake.callsOf('local:delete')).toEqual([{ paths: ['/home/me/photos', '/home/me/a.txt', '/home/me/b.txt'], recursive: true }]));
  });

  it('properties keeps rwx checkboxes and the octal field in sync', async () => {
    const { PropertiesDialog } = await import('../../renderer/src/dialogs/properties-dialog');
    const applied: number[] = [];
    render(<PropertiesDialog entries={[{ ...entry('/srv', 'run.sh'), mode: 0o644 }]} canChmod onApply={(m) => applied.push(m)} onCancel={() => undefined} />);
    const octal = screen.getByRole('textbox', { name: 'Octal mode' }) as HTMLInputElement;
    expect(octal.value).toBe('644');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Owner execute' }));
    expect(octal.value).toBe('744');
    fireEvent.change(octal, { target: { value: '750' } });
    expect((screen.getByRole('checkbox', { name: 'Group execute' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Others read' }) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(applied).toEqual([0o750]);
  });
});
