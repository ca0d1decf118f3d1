// Import from ~/.ssh/config: candidates with checkboxes, duplicates marked and unticked,
// unsupported options and file notes shown, only the chosen ones imported.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { BookmarkDto, SshConfigCandidateDto, SshConfigScanDto } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { bookmark, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const existing: BookmarkDto = bookmark('b-web', 'Production web', { host: 'web.example.org', authMethod: 'key', keyPath: '/home/me/.ssh/id_ed25519' });

function candidate(alias: string, over: Partial<SshConfigCandidateDto> = {}): SshConfigCandidateDto {
  return {
    id: `ssh-config:${alias}`,
    alias,
    bookmark: { name: alias, host: `${alias}.example.org`, port: 22, username: 'ann', authMethod: 'key', keyPath: '/home/me/.ssh/id_ed25519' },
    identityFiles: ['/home/me/.ssh/id_ed25519'],
    unsupported: [],
    duplicateOf: null,
    error: null,
    ...over,
  };
}

const scan: SshConfigScanDto = {
  files: ['/home/me/.ssh/config', '/home/me/.ssh/config.d/work'],
  candidates: [
    candidate('web', {
      bookmark: { name: 'web', host: 'web.example.org', port: 22, username: 'deploy', authMethod: 'key', keyPath: '/home/me/.ssh/id_ed25519' },
      duplicateOf: 'b-web',
    }),
    candidate('db', { unsupported: ['ProxyJump bastion'], identityFiles: ['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_rsa'] }),
    candidate('lab', { bookmark: { name: 'lab', host: 'lab.local', port: 2222, username: 'root', authMethod: 'agent' }, identityFiles: [] }),
    candidate('broken', { error: 'HostName contains a space.' }),
  ],
  notes: [{ file: '/home/me/.ssh/config', message: 'line 12: Match blocks are skipped.' }],
};

function setup(importResult?: (ids: string[]) => { created: BookmarkDto[]; skipped: Array<{ id: string; reason: string }> }) {
  let list: BookmarkDto[] = [existing];
  return fakeBridge({
    tree: { '/home/me': [] },
    handlers: {
      'bookmarks:list': () => ({ bookmarks: [...list], groups: [], problems: [], readOnly: null }),
      'bookmarks:import-preview': () => scan,
      'bookmarks:import': (a) => {
        const r = importResult?.(a.ids) ?? { created: a.ids.map((id) => ({ ...existing, id: `new-${id}`, name: id.replace('ssh-config:', '') })), skipped: [] };
        list = [...list, ...r.created];
        return r;
      },
    },
  });
}

async function openImport() {
  const nav = await screen.findByRole('navigation', { name: 'Saved servers' });
  fireEvent.click(within(nav).getByRole('button', { name: 'Import…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Import from SSH config' });
  await within(dialog).findByRole('list', { name: 'Hosts in SSH config' });
  return dialog;
}
const box = (dialog: HTMLElement, alias: string) => within(dialog).getByRole('checkbox', { name: new RegExp(`^${alias} `) }) as HTMLInputElement;

describe('import from ~/.ssh/config', () => {
  it('lists candidates: duplicates marked and unticked, unsupported options, key files, errors and file notes', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    const dialog = await openImport();
    expect(box(dialog, 'web').checked).toBe(false);
    expect(box(dialog, 'db').checked).toBe(true);
    expect(box(dialog, 'lab').checked).toBe(true);
    expect(box(dialog, 'broken').disabled).toBe(true);
    const text = dialog.textContent ?? '';
    expect(text).toContain('Already saved as “Production web”');
    expect(text).toContain('Not supported yet, ignored: ProxyJump bastion');
    expect(text).toContain('(+1 more, only the first is used)');
    expect(text).toContain('root@lab.local:2222');
    expect(text).toContain('Cannot import: HostName contains a space.');
    expect(text).toContain('line 12: Match blocks are skipped.');
    expect(text).toContain('/home/me/.ssh/config.d/work');
    expect(within(dialog).getByRole('button', { name: 'Import 2 servers' })).toBeTruthy();
  });

  it('imports only the ticked ones (no duplicates unless ticked) and refreshes the list', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    const dialog = await openImport();
    fireEvent.click(box(dialog, 'lab'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import 1 server' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('bookmarks:import')).toEqual([{ ids: ['ssh-config:db'], allowDuplicates: false }]);
    const nav = screen.getByRole('navigation', { name: 'Saved servers' });
    await waitFor(() => within(nav).getByRole('button', { name: /^db / }));
    await screen.findByText('Imported 1 saved server.');
  });

  it('ticking a duplicate imports it on purpose; skipped ones are reported with the reason', async () => {
    const fake = setup((ids) => ({ created: [], skipped: ids.map((id) => ({ id, reason: 'A bookmark for deploy@web.example.org:22 already exists.' })) }));
    render(<App api={fake.api} />);
    const dialog = await openImport();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Select none' }));
    expect(within(dialog).getByRole('button', { name: 'Import' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(box(dialog, 'web'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import 1 server' }));
    await waitFor(() => expect(fake.callsOf('bookmarks:import')).toEqual([{ ids: ['ssh-config:web'], allowDuplicates: true }]));
    const msg = await screen.findByText(/Not imported: web \(A bookmark for deploy@web.example.org:22 already exists.\)/);
    expect(msg.closest('[role="status"]')).not.toBeNull();
  });

  it('an unreadable config is a readable message, and Escape closes the dialog', async () => {
    const fake = fakeBridge({
      tree: { '/home/me': [] },
      handlers: {
        'bookmarks:import-preview': () => {
          throw { code: 'PERMISSION_DENIED', message: 'Cannot read /home/me/.ssh/config: permission denied.' };
        },
      },
    });
    render(<App api={fake.api} />);
    const nav = await screen.findByRole('navigation', { name: 'Saved servers' });
    fireEvent.click(within(nav).getByRole('button', { name: 'Import…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import from SSH config' });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Cannot read /home/me/.ssh/config: permission denied.');
    expect(alert.textContent).toContain('Check the permissions');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('bookmarks:import')).toEqual([]);
  });
});
