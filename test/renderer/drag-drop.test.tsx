// Drag and drop: rows dragged between panes become upload/download jobs, and files
// dropped from the OS onto the remote pane upload by their real paths (Electron preload).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { SkiffApi } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { entry, fakeBridge, jobDto } from './support/fake-api';

afterEach(cleanup);

/** jsdom has no DataTransfer: a small stand-in with the parts the app uses. */
function dataTransfer(files: File[] = []) {
  const data = new Map<string, string>();
  return {
    data,
    files,
    get types() {
      return [...data.keys(), ...(files.length ? ['Files'] : [])];
    },
    setData: (t: string, v: string) => void data.set(t, v),
    getData: (t: string) => data.get(t) ?? '',
    dropEffect: 'none',
    effectAllowed: 'all',
  };
}

const session = { sessionId: 's1', host: 'srv', port: 22, username: 'me', authMethod: 'publickey' as const, home: '/srv' };

async function connected(extra: Partial<SkiffApi> = {}) {
  const fake = fakeBridge({
    tree: { '/home/me': [entry('/home/me', 'up.txt')], '/srv': [entry('/srv', 'down', { type: 'directory' }), entry('/srv', 'r.txt')] },
    handlers: {
      'session:connect': () => session,
      'edit:open-files': () => ({ files: [], errors: [] }),
      'transfer:enqueue': (a) => jobDto({ id: `j${a.direction}`, direction: a.direction, sources: a.sources, targetDir: a.targetDir }),
    },
  });
  const api = Object.assign(Object.create(null) as object, fake.api, extra) as SkiffApi;
  render(<App api={api} />);
  fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'srv' } });
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'me' } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
  const remote = await screen.findByRole('grid', { name: 'Remote files' });
  const local = screen.getByRole('grid', { name: 'Local files' });
  await waitFor(() => within(remote).getByRole('row', { name: /^down,/ }));
  await waitFor(() => within(local).getByRole('row', { name: /^up\.txt,/ }));
  return { fake, local, remote };
}

describe('drag and drop', () => {
  it('local row → remote pane uploads; remote row → local pane downloads', async () => {
    const { fake, local, remote } = await connected();
    const dt = dataTransfer();
    fireEvent.dragStart(within(local).getByRole('row', { name: /^up\.txt,/ }), { dataTransfer: dt });
    fireEvent.dragOver(remote, { dataTransfer: dt });
    fireEvent.drop(remote, { dataTransfer: dt });
    const dt2 = dataTransfer();
    fireEvent.dragStart(within(remote).getByRole('row', { name: /^down,/ }), { dataTransfer: dt2 });
    fireEvent.drop(local, { dataTransfer: dt2 });
    // A pane ignores its own rows dropped back onto itself.
    fireEvent.drop(remote, { dataTransfer: dt2 });
    await waitFor(() =>
      expect(fake.callsOf('transfer:enqueue')).toEqual([
        { sessionId: 's1', direction: 'upload', sources: ['/home/me/up.txt'], targetDir: '/srv' },
        { sessionId: 's1', direction: 'download', sources: ['/srv/down'], targetDir: '/home/me' },
      ]),
    );
  });

  it('files dropped from the OS upload by the real paths preload reports', async () => {
    const paths = new Map<File, string>();
    const a = new File(['x'], 'a.txt');
    const b = new File(['y'], 'b.txt');
    paths.set(a, '/Users/me/Desktop/a.txt');
    paths.set(b, '/Users/me/Desktop/b.txt');
    const { fake, remote } = await connected({ pathForFile: (f: File) => paths.get(f) ?? null } as Partial<SkiffApi>);
    fireEvent.drop(remote, { dataTransfer: dataTransfer([a, b]) });
    await waitFor(() =>
      expect(fake.callsOf('transfer:enqueue')).toEqual([
        { sessionId: 's1', direction: 'upload', sources: ['/Users/me/Desktop/a.txt', '/Users/me/Desktop/b.txt'], targetDir: '/srv' },
      ]),
    );
  });

  it('double-click on a local file uploads it; on a remote file it opens it (Open: the default application, every save uploaded)', async () => {
    const { fake, remote } = await connected({});
    fireEvent.doubleClick(within(remote).getByRole('row', { name: /^r\.txt,/ }));
    await waitFor(() => expect(fake.callsOf('edit:open-files')).toEqual([{ sessionId: 's1', paths: ['/srv/r.txt'], mode: 'open' }]));
    expect(fake.callsOf('transfer:enqueue')).toEqual([]);
    fireEvent.doubleClick(within(screen.getByRole('grid', { name: 'Local files' })).getByRole('row', { name: /^up\.txt,/ }));
    await waitFor(() =>
      expect(fake.callsOf('transfer:enqueue')).toEqual([{ sessionId: 's1', direction: 'upload', sources: ['/home/me/up.txt'], targetDir: '/srv' }]),
    );
  });

  it('without preload (web preview) an OS drop explains what to do instead', async () => {
    const { fake, remote } = await connected();
    fireEvent.drop(remote, { dataTransfer: dataTransfer([new File(['x'], 'a.txt')]) });
    expect((await screen.findByRole('alert')).textContent).toMatch(/needs the Skiff app/);
    expect(fake.callsOf('transfer:enqueue')).toEqual([]);
  });
});
