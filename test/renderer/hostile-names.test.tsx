// Names from servers are text: HTML stays text, ANSI escapes and bidi overrides become
// visible symbols, and the real name is still what operations use.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../renderer/src/app';
import { displayName } from '../../renderer/src/model/display-name';
import { entry, fakeBridge } from './support/fake-api';

afterEach(cleanup);

const XSS = '<img src=x onerror=alert(1)>';
const ANSI = '\u001b[31mred\u001b[0m.txt';
const BIDI = 'invoice\u202Efdp.exe';

describe('hostile names', () => {
  it('renders HTML, ANSI escapes and bidi controls as inert, visible text', async () => {
    const fake = fakeBridge({
      tree: {
        '/home/me': [
          entry('/home/me', XSS),
          entry('/home/me', ANSI),
          entry('/home/me', BIDI),
          entry('/home/me', 'bell\u0007', { type: 'symlink', linkTarget: '\u001b]0;pwned\u0007' }),
        ],
      },
      handlers: { 'local:rename': () => undefined },
    });
    render(<App api={fake.api} />);
    const grid = await screen.findByRole('grid', { name: 'Local files' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(5));
    expect(document.querySelector('img')).toBeNull();
    expect(grid.textContent).toContain(XSS);
    expect(grid.textContent).toContain('␛[31mred␛[0m.txt');
    expect(grid.textContent).toContain('invoice\uFFFDfdp.exe');
    expect(grid.textContent).toContain('bell␇');
    expect(grid.textContent).toContain('→ ␛]0;pwned␇');
    // No raw control or bidi character reaches the DOM text.
    expect(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(document.body.textContent ?? '')).toBe(false);
    expect(within(grid).getByRole('row', { name: /^<img src=x onerror=alert\(1\)>,/ })).toBeTruthy();

    // Operations use the real name: rename the ANSI file.
    fireEvent.click(within(grid).getByRole('row', { name: /^␛\[31mred/ }));
    fireEvent.keyDown(grid, { key: 'F2' });
    const dialog = await screen.findByRole('dialog', { name: /^Rename/ });
    const input = within(dialog).getByRole('textbox', { name: 'New name' });
    fireEvent.change(input, { target: { value: 'plain.txt' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(fake.callsOf('local:rename')).toEqual([{ from: `/home/me/${ANSI}`, to: '/home/me/plain.txt' }]));
  });

  it('displayName maps every C0/C1/bidi control and leaves ordinary Unicode alone', () => {
    expect(displayName('naïve 文件 😀.txt')).toBe('naïve 文件 😀.txt');
    expect(displayName('a\u0000b\u001bc\u007fd\u0085e\u2067f')).toBe('a␀b␛c␡d\uFFFDe\uFFFDf');
  });
});
