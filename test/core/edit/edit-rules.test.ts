import { describe, expect, it } from 'vitest';
import { editorArgv, parseEditorCommand } from '../../../electron/core/edit/editor-command';
import { keepBothName } from '../../../electron/core/edit/edit-manager';
import { isExecutable } from '../../../electron/core/edit/executable';
import { safeLocalName } from '../../../electron/core/edit/local-name';
import { unsafeNameReason } from '../../../electron/core/transfers/safe-name';

describe('the Editor command is split like a shell would, and no shell runs it', () => {
  it('splits words, quotes and escapes; empty means the system default', () => {
    expect(parseEditorCommand('')).toBeNull();
    expect(parseEditorCommand('   ')).toBeNull();
    expect(parseEditorCommand('code --wait')).toEqual(['code', '--wait']);
    expect(parseEditorCommand(`open -a "Sublime Text"`)).toEqual(['open', '-a', 'Sublime Text']);
    expect(parseEditorCommand(`emacsclient -c -a ''`)).toEqual(['emacsclient', '-c', '-a', '']);
    expect(parseEditorCommand('my\\ editor -n')).toEqual(['my editor', '-n']);
    expect(parseEditorCommand('gvim -f # the GTK one')).toEqual(['gvim', '-f']);
  });

  it('expands $VARIABLES and a leading ~ as a shell would, and keeps globs literal', () => {
    expect(parseEditorCommand('$EDITOR_BIN -w', { env: { EDITOR_BIN: '/opt/ed/bin/ed' } })).toEqual(['/opt/ed/bin/ed', '-w']);
    expect(parseEditorCommand('~/bin/edit', { home: '/home/me' })).toEqual(['/home/me/bin/edit']);
    expect(parseEditorCommand('ed *.txt')).toEqual(['ed', '*.txt']);
  });

  it('keeps Windows backslashes literal on Windows', () => {
    expect(parseEditorCommand('"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst', { platform: 'win32' })).toEqual([
      'C:\\Program Files\\Notepad++\\notepad++.exe',
      '-multiInst',
    ]);
    expect(parseEditorCommand('C:\\tools\\vim.exe', { platform: 'win32' })).toEqual(['C:\\tools\\vim.exe']);
  });

  it('refuses shell operators instead of silently dropping them', () => {
    for (const c of ['vim | tee x', 'vim; rm -rf ~', 'vim > /tmp/x', 'vim && true', 'a & b']) {
      expect(() => parseEditorCommand(c)).toThrow(expect.objectContaining({ code: 'EDITOR_FAILED' }));
    }
  });

  it('passes the file as the last argument, whatever it is called', () => {
    expect(editorArgv(['code', '--wait'], '/tmp/x/$(rm -rf ~); `id`.txt')).toEqual(['code', '--wait', '/tmp/x/$(rm -rf ~); `id`.txt']);
  });
});

describe('programs are recognised by mode bit or name', () => {
  it.each([
    ['run.sh', 0o644],
    ['SETUP.EXE', 0o644],
    ['x.bat', 0o644],
    ['x.cmd', 0o644],
    ['x.ps1', 0o644],
    ['launcher.desktop', 0o644],
    ['app.jar', 0o644],
    ['shortcut.lnk', 0o644],
    ['Tool.AppImage', 0o644],
    ['Thing.app', 0o644],
    ['x.command', 0o644],
    ['trick.exe.', 0o644],
    ['no-extension', 0o755],
    ['notes.txt', 0o744],
  ])('%s (mode %o) is a program', (name, mode) => expect(isExecutable(name, mode)).toBe(true));

  it.each([
    ['notes.txt', 0o644],
    ['index.html', 0o600],
    ['photo.jpeg', 0o644],
    ['shell.md', 0o644],
  ])('%s (mode %o) is a document', (name, mode) => expect(isExecutable(name, mode)).toBe(false));
});

describe('local names for server names', () => {
  it.each([
    'report.pdf',
    '..',
    '.',
    'a\\..\\..\\etc\\passwd',
    'x\u001b[31mred\u0007.txt',
    'CON',
    'aux.txt',
    'name with trailing dot.',
    'wh?t*:<>|".txt',
    '-rf',
    'ü'.repeat(300) + '.txt',
    '😀'.repeat(200),
    '',
  ])('%j becomes one safe, portable component of at most 255 bytes', (name) => {
    const local = safeLocalName(name);
    expect(unsafeNameReason(local)).toBeNull();
    expect(local).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
    expect(local).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    expect(local.startsWith('-')).toBe(false);
    expect(Buffer.byteLength(local)).toBeLessThanOrEqual(255);
  });

  it('keeps ordinary names and the extension', () => {
    expect(safeLocalName('report.pdf')).toBe('report.pdf');
    expect(safeLocalName('.bashrc')).toBe('.bashrc');
    expect(safeLocalName('ü'.repeat(300) + '.txt').endsWith('.txt')).toBe(true);
  });

  it('names the keep-both copy “name (edited).ext”', () => {
    expect(keepBothName('report.txt')).toBe('report (edited).txt');
    expect(keepBothName('.bashrc')).toBe('.bashrc (edited)');
    expect(keepBothName('Makefile')).toBe('Makefile (edited)');
    expect(keepBothName('a.tar.gz')).toBe('a.tar (edited).gz');
  });
});
