// The settings dialog: opened by the button and Ctrl/Cmd+, ; every setting through
// settings:get / settings:set (only changed fields are sent); theme and hidden files apply at once.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { SettingsDto, SettingsPatch } from '../../electron/ipc/contract';
import { App } from '../../renderer/src/app';
import { defaultSettings, entry, fakeBridge } from './support/fake-api';

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
});

const defaults: SettingsDto = defaultSettings();

function setup(over: { set?: (p: SettingsPatch) => SettingsDto } = {}) {
  let current = { ...defaults };
  const fake = fakeBridge({
    tree: { '/home/me': [entry('/home/me', '.bashrc'), entry('/home/me', 'notes.txt')] },
    handlers: {
      'settings:get': () => current,
      'settings:set':
        over.set ??
        ((p) => {
          current = { ...current, ...(p as Partial<SettingsDto>) };
          return current;
        }),
    },
  });
  return fake;
}

describe('settings', () => {
  it('Ctrl+, opens it with the stored values; each host-key policy is explained and there is no "accept anything"', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await within(dialog).findByRole('radiogroup', { name: 'Theme' });
    expect((within(dialog).getByRole('radio', { name: 'Follow the system' }) as HTMLInputElement).checked).toBe(true);
    const policies = within(within(dialog).getByRole('radiogroup', { name: 'New host keys' })).getAllByRole('radio') as HTMLInputElement[];
    expect(policies.map((p) => p.value)).toEqual(['ask', 'accept-new', 'yes']);
    expect(policies[0]!.checked).toBe(true);
    // Each policy has a one-line explanation wired as its description.
    for (const p of policies)
      expect(p.getAttribute('aria-describedby') && document.getElementById(p.getAttribute('aria-describedby')!)?.textContent).toMatch(/^\S+( \S+){5,}/);
    expect(dialog.textContent).toContain('a changed key is still refused');
    expect((within(dialog).getByLabelText('Simultaneous transfers') as HTMLInputElement).value).toBe('4');
    expect((within(dialog).getByLabelText('When a file already exists') as HTMLSelectElement).value).toBe('ask');
    expect((within(dialog).getByRole('checkbox', { name: 'Preserve permissions' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('settings:set')).toEqual([]);
  });

  it('the native menu\'s "Settings…" command opens it too', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    act(() => fake.emit('app:menu', { command: 'settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await within(dialog).findByRole('radiogroup', { name: 'Theme' });
    expect(fake.callsOf('settings:get').length).toBeGreaterThanOrEqual(2);
  });

  it('saves only what changed and applies the theme and hidden files at once', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => within(grid).getByRole('row', { name: /^notes\.txt,/ }));
    expect(within(grid).queryByRole('row', { name: /^\.bashrc,/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Settings…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await within(dialog).findByRole('radiogroup', { name: 'Theme' });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Dark' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Show hidden files' }));
    fireEvent.click(within(dialog).getByRole('radio', { name: /^Trust new hosts automatically/ }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Hash host names in known_hosts' }));
    fireEvent.change(within(dialog).getByLabelText('Extra known_hosts files (one path per line)'), {
      target: { value: '/etc/ssh/extra_known_hosts\n\n /home/me/.ssh/team_hosts ' },
    });
    fireEvent.change(within(dialog).getByLabelText('Simultaneous transfers'), { target: { value: '2' } });
    fireEvent.change(within(dialog).getByLabelText('When a file already exists'), { target: { value: 'overwrite-if-newer' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Preserve permissions' }));
    const links = within(dialog).getByLabelText('sftp:// links from other apps') as HTMLSelectElement;
    expect(links.value).toBe('ask');
    expect([...links.options].map((o) => o.text)).toEqual(['Ask at the next start', 'Open them in Skiff', 'Leave them to other apps']);
    fireEvent.change(links, { target: { value: 'no' } });
    const editor = within(dialog).getByRole('textbox', { name: 'Editor command' }) as HTMLInputElement;
    expect(editor.value).toBe('');
    fireEvent.change(editor, { target: { value: '  code --wait ' } });
    fireEvent.change(within(dialog).getByLabelText('Ask before editing files larger than (MiB)'), { target: { value: '200' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('settings:set')).toEqual([
      {
        theme: 'dark',
        showHidden: true,
        hostKeyPolicy: 'accept-new',
        hashKnownHosts: true,
        extraKnownHostsFiles: ['/etc/ssh/extra_known_hosts', '/home/me/.ssh/team_hosts'],
        transferConcurrency: 2,
        conflictDefault: 'overwrite-if-newer',
        preservePermissions: false,
        sftpLinkHandler: 'no',
        editorCommand: 'code --wait',
        editLargeFileMiB: 200,
      },
    ]);
    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => within(grid).getByRole('row', { name: /^\.bashrc,/ }));

    // Reopening shows what was stored; switching back to "system" unpins the theme.
    fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    const again = await screen.findByRole('dialog', { name: 'Settings' });
    await within(again).findByRole('radiogroup', { name: 'Theme' });
    expect((within(again).getByLabelText('Simultaneous transfers') as HTMLInputElement).value).toBe('2');
    fireEvent.click(within(again).getByRole('radio', { name: 'Follow the system' }));
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('settings:set')[1]).toEqual({ theme: 'system' });
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('refuses an out-of-range concurrency and a relative known_hosts path before sending; shows errors from main', async () => {
    const fake = setup({
      set: () => {
        throw { code: 'READ_ONLY', message: 'Settings file is from a newer Skiff; nothing is saved.' };
      },
    });
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    fireEvent.click(screen.getByRole('button', { name: 'Settings…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    const conc = await within(dialog).findByLabelText('Simultaneous transfers');
    fireEvent.change(conc, { target: { value: '40' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('from 1 to 16');
    expect(conc.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByRole('button', { name: 'Save' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(conc, { target: { value: '3' } });
    const big = within(dialog).getByLabelText('Ask before editing files larger than (MiB)');
    fireEvent.change(big, { target: { value: '0' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('at least 1');
    fireEvent.change(big, { target: { value: '50' } });
    const dead = within(dialog).getByLabelText('Treat a silent connection as dropped after (seconds)');
    fireEvent.change(dead, { target: { value: '2' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('from 5 to 120');
    expect(dead.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(dead, { target: { value: '15' } });
    fireEvent.change(within(dialog).getByLabelText('Extra known_hosts files (one path per line)'), { target: { value: 'known_hosts.team' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('“known_hosts.team” is not an absolute path');
    fireEvent.change(within(dialog).getByLabelText('Extra known_hosts files (one path per line)'), { target: { value: '' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Settings file is from a newer Skiff');
    expect(fake.callsOf('settings:set')).toEqual([{ transferConcurrency: 3 }]);
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeTruthy();
  });

  it('speed limits: a number and a unit each, empty = no limit, validated before sending; the transfer panel says when one is on', async () => {
    const fake = setup();
    render(<App api={fake.api} />);
    await screen.findByRole('grid', { name: 'Local files' });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    expect(panel.textContent).not.toContain('limited');
    fireEvent.click(screen.getByRole('button', { name: 'Settings…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    const up = (await within(dialog).findByLabelText('Upload speed limit')) as HTMLInputElement;
    const down = within(dialog).getByLabelText('Download speed limit') as HTMLInputElement;
    const upUnit = within(dialog).getByLabelText('Upload speed limit unit') as HTMLSelectElement;
    const downUnit = within(dialog).getByLabelText('Download speed limit unit') as HTMLSelectElement;
    expect([up.value, down.value]).toEqual(['', '']);
    expect([...upUnit.options].map((o) => o.text)).toEqual(['KiB/s', 'MiB/s']);
    expect(downUnit.value).toBe('MiB');

    // Refused before anything is sent, naming the field.
    fireEvent.change(up, { target: { value: '0' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('The upload speed limit must be a number from 1 KiB/s');
    expect(within(dialog).getByRole('alert').textContent).toContain('empty for no limit');
    expect(up.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByRole('button', { name: 'Save' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(upUnit, { target: { value: 'KiB' } });
    fireEvent.change(up, { target: { value: '1.5' } }); // not whole KiB/s
    expect(within(dialog).getByRole('alert').textContent).toContain('upload speed limit');
    fireEvent.change(down, { target: { value: '20000' } }); // 20,000 MiB/s: above 10 GiB/s
    fireEvent.change(up, { target: { value: '256' } });
    expect(within(dialog).getByRole('alert').textContent).toContain('The download speed limit');
    expect(down.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(down, { target: { value: '1.5' } }); // 1.5 MiB/s is fine

    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('settings:set')).toEqual([{ uploadLimitKiBps: 256, downloadLimitKiBps: 1536 }]);
    expect(within(panel).getByRole('status').textContent).toBe('Uploads limited to 256 KiB/s · downloads limited to 1.5 MiB/s');

    // Reopened: the stored values in their units; emptying one turns it off.
    fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    const again = await screen.findByRole('dialog', { name: 'Settings' });
    const up2 = (await within(again).findByLabelText('Upload speed limit')) as HTMLInputElement;
    expect([up2.value, (within(again).getByLabelText('Upload speed limit unit') as HTMLSelectElement).value]).toEqual(['256', 'KiB']);
    expect((within(again).getByLabelText('Download speed limit') as HTMLInputElement).value).toBe('1536');
    fireEvent.change(up2, { target: { value: '' } });
    fireEvent.change(within(again).getByLabelText('Download speed limit') as HTMLInputElement, { target: { value: '2' } });
    fireEvent.change(within(again).getByLabelText('Download speed limit unit'), { target: { value: 'MiB' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsOf('settings:set')[1]).toEqual({ uploadLimitKiBps: null, downloadLimitKiBps: 2048 });
    expect(within(panel).getByRole('status').textContent).toBe('Downloads limited to 2 MiB/s');
  });
});
