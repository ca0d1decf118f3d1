// Editing remote files in the UI: Edit (F4, the remote context menu), Open (Enter), the "Edited
// files" region with every state and its actions, the conflict and large-file questions, and the
// notices for refused files and kept copies.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { EditedFileDto, QuestionDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const session = { sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey' as const, home: '/srv' };

function edited(id: string, over: Partial<EditedFileDto> = {}): EditedFileDto {
  return {
    id,
    sessionId: 's1',
    server: { host: 'srv', port: 22, username: 'me' },
    remotePath: `/srv/${id}.txt`,
    localPath: `/tmp/skiff-edit-x/me@srv-1/1/edit/${id}.txt`,
    mode: 'edit',
    state: 'watching',
    pending: false,
    openedAt: 1,
    ...over,
  };
}

async function connected(handlers: NonNullable<Parameters<typeof fakeBridge>[0]>['handlers'] = {}) {
  const fake = fakeBridge({
    tree: {
      '/home/me': [entry('/home/me', 'up.txt')],
      '/srv': [entry('/srv', 'down', { type: 'directory' }), entry('/srv', 'a.txt'), entry('/srv', 'b.txt'), entry('/srv', 'deploy.sh')],
    },
    handlers: {
      'session:connect': () => session,
      'edit:open-files': () => ({ files: [], errors: [] }),
      'edit:stop-editing': () => ({ keptAt: null }),
      'edit:retry-upload': () => undefined,
      'edit:resolve-conflict': () => undefined,
      ...handlers,
    },
  });
  render(<App api={fake.api} />);
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  const remote = await screen.findByRole('grid', { name: 'Remote files' });
  await waitFor(() => within(remote).getByRole('row', { name: /^a\.txt,/ }));
  return { fake, remote };
}

describe('Edit and Open', () => {
  it('F4 edits the selected remote files (folders left out); the remote context menu has Edit, the local one does not', async () => {
    const { fake, remote } = await connected();
    fireEvent.click(within(remote).getByRole('row', { name: /^a\.txt,/ }));
    fireEvent.click(within(remote).getByRole('row', { name: /^b\.txt,/ }), { ctrlKey: true });
    fireEvent.click(within(remote).getByRole('row', { name: /^down,/ }), { ctrlKey: true });
    fireEvent.keyDown(remote, { key: 'F4' });
    await waitFor(() => expect(fake.callsOf('edit:open-files')).toEqual([{ sessionId: 's1', paths: ['/srv/a.txt', '/srv/b.txt'], mode: 'edit' }]));

    // A right-click inside the selection keeps it: the item says how many files it edits.
    fireEvent.contextMenu(within(remote).getByRole('row', { name: /^a\.txt,/ }));
    const many = await screen.findByRole('menu', { name: 'Remote file actions' });
    expect(within(many).getByRole('menuitem', { name: /^Edit 2 files/ })).toBeTruthy();
    fireEvent.keyDown(many, { key: 'Escape' });
    fireEvent.click(within(remote).getByRole('row', { name: /^a\.txt,/ }));
    fireEvent.contextMenu(within(remote).getByRole('row', { name: /^a\.txt,/ }));
    const menu = await screen.findByRole('menu', { name: 'Remote file actions' });
    const item = within(menu).getByRole('menuitem', { name: /^Edit/ });
    expect(item.textContent).toContain('F4');
    fireEvent.click(item);
    await waitFor(() => expect(fake.callsOf('edit:open-files')).toHaveLength(2));
    expect(fake.callsOf('edit:open-files')[1]).toEqual({ sessionId: 's1', paths: ['/srv/a.txt'], mode: 'edit' });

    const local = screen.getByRole('grid', { name: 'Local files' });
    fireEvent.contextMenu(within(local).getByRole('row', { name: /^up\.txt,/ }));
    const localMenu = await screen.findByRole('menu', { name: 'Local file actions' });
    expect(within(localMenu).queryByRole('menuitem', { name: /^Edit/ })).toBeNull();
  });

  it('Enter opens a remote file with the default application; a refused program says why', async () => {
    const { fake, remote } = await connected({
      'edit:open-files': (a: { paths: string[] }) => ({
        files: [],
        errors: a.paths.map((p) => ({
          code: 'EXECUTABLE_REFUSED',
          message: "“deploy.sh” is a program (by its name), and the system's default application would run it. Skiff never runs a file from a server.",
          path: p,
        })),
      }),
    });
    fireEvent.click(within(remote).getByRole('row', { name: /^deploy\.sh,/ }));
    fireEvent.keyDown(remote, { key: 'Enter' });
    await waitFor(() => expect(fake.callsOf('edit:open-files')).toEqual([{ sessionId: 's1', paths: ['/srv/deploy.sh'], mode: 'open' }]));
    expect((await screen.findByRole('alert')).textContent).toContain('Skiff never runs a file from a server');
  });
});

describe('"Edited files"', () => {
  it('lists each file with server, path and state; Retry, the conflict choices and Stop editing go to main', async () => {
    const { fake } = await connected();
    expect(screen.queryByRole('region', { name: 'Edited files' })).toBeNull();
    const at = new Date(2026, 11, 2, 14, 3).getTime();
    act(() => {
      fake.emit('edit:file-changed', edited('a'));
      fake.emit('edit:file-changed', edited('b', { state: 'uploaded', uploadedAt: at, openedAt: 2 }));
      fake.emit(
        'edit:file-changed',
        edited('c', {
          state: 'failed',
          pending: true,
          waitingForConnection: true,
          error: { code: 'NOT_CONNECTED', message: 'The change waits for a connection to srv.' },
          openedAt: 3,
        }),
      );
      fake.emit(
        'edit:file-changed',
        edited('d', { state: 'conflict', pending: true, conflict: { remote: { size: 2048, mtimeMs: at }, local: { size: 10, mtimeMs: at } }, openedAt: 4 }),
      );
      fake.emit('edit:file-changed', edited('e', { state: 'uploading', pending: true, openedAt: 5 }));
    });
    const region = screen.getByRole('region', { name: 'Edited files' });
    const rowOf = (n: string) => within(region).getByRole('listitem', { name: new RegExp(`^${n}\\.txt,`) });
    expect(rowOf('a').textContent).toContain('Watching');
    expect(rowOf('a').textContent).toContain('me@srv:/srv/a.txt');
    expect(rowOf('b').textContent).toContain('Uploaded at 14:03');
    expect(rowOf('c').textContent).toContain('Upload failed: The change waits for a connection to srv.');
    expect(rowOf('d').textContent).toContain('Conflict');
    expect(rowOf('e').textContent).toContain('Uploading');

    fireEvent.click(within(rowOf('c')).getByRole('button', { name: 'Retry c.txt' }));
    fireEvent.click(within(rowOf('d')).getByRole('button', { name: 'Keep both versions of d.txt' }));
    fireEvent.click(within(rowOf('a')).getByRole('button', { name: 'Stop editing a.txt' }));
    await waitFor(() => expect(fake.callsOf('edit:stop-editing')).toEqual([{ editId: 'a' }]));
    expect(fake.callsOf('edit:retry-upload')).toEqual([{ editId: 'c' }]);
    expect(fake.callsOf('edit:resolve-conflict')).toEqual([{ editId: 'd', choice: 'keep-both' }]);

    // A copy kept because its last change did not reach the server: the user is told where.
    act(() => fake.emit('edit:file-removed', { id: 'c', keptAt: '/home/me/.config/Skiff/Kept edits/2026-12-02 14-03-00 me@srv/c.txt' }));
    expect(within(region).queryByRole('listitem', { name: /^c\.txt,/ })).toBeNull();
    expect(
      screen.getByText(/The last change to “c\.txt” did not reach the server, so the copy is kept at \/home\/me\/\.config\/Skiff\/Kept edits\/.*\/c\.txt/),
    ).toBeTruthy();
  });

  it('the conflict question offers the three choices and "Decide later"; the large-file question asks before downloading', async () => {
    const { fake } = await connected();
    const q: QuestionDto = {
      id: 'q1',
      kind: 'edit-conflict',
      timeoutMs: 60_000,
      editId: 'a',
      server: { host: 'srv', port: 22, username: 'me' },
      remotePath: '/srv/page.html',
      remote: { size: 19, mtimeMs: 1_600_000_000_000 },
      local: { size: 14, mtimeMs: 1_700_000_000_000 },
      keepBothName: 'page (edited).html',
    };
    act(() => fake.emit('question:ask', q));
    const dialog = await screen.findByRole('dialog', { name: '“page.html” changed on the server' });
    expect(within(dialog).getByRole('button', { name: 'Keep both (upload mine as “page (edited).html”)' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: "Discard my change (take the server's version)" })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: "Overwrite the server's version" }));
    await waitFor(() => expect(fake.callsOf('question:answer')).toEqual([{ id: 'q1', answer: { kind: 'edit-conflict', choice: 'overwrite' } }]));

    act(() => fake.emit('question:ask', { ...q, id: 'q2', remote: null }));
    const again = await screen.findByRole('dialog', { name: '“page.html” changed on the server' });
    expect(again.textContent).toContain('Deleted on the server');
    fireEvent.click(within(again).getByRole('button', { name: 'Decide later' }));
    await waitFor(() => expect(fake.callsOf('question:answer')[1]).toEqual({ id: 'q2', answer: { kind: 'edit-conflict', choice: null } }));

    act(() =>
      fake.emit('question:ask', {
        id: 'q3',
        kind: 'edit-large',
        timeoutMs: 60_000,
        files: [{ path: '/srv/big.iso', size: 3 * 1024 ** 3 }],
        limitBytes: 50 * 1024 ** 2,
      }),
    );
    const big = await screen.findByRole('dialog', { name: 'Download a large file to edit it?' });
    expect(big.textContent).toContain('3.0 GiB');
    expect(big.textContent).toContain('50.0 MiB');
    fireEvent.click(within(big).getByRole('button', { name: 'Download and edit' }));
    await waitFor(() => expect(fake.callsOf('question:answer')[2]).toEqual({ id: 'q3', answer: { kind: 'edit-large', download: true } }));
  });

  it('copies a crashed earlier run kept are announced once at start', async () => {
    await connected({ 'edit:take-recovered': () => ['/home/me/.config/Skiff/Kept edits/x/notes.txt'] });
    expect(
      (
        await screen.findByText(
          /Skiff ended last time before every edit reached the server\. That copy is kept at \/home\/me\/\.config\/Skiff\/Kept edits\/x\/notes\.txt/,
        )
      ).textContent,
    ).toBeTruthy();
  });
});
