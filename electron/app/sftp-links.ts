// The installed app and the OS's sftp:// handler: asks once (a native box), remembers the answer
// in settings.sftpLinkHandler, and registers or releases the handler when that setting says so.
// Takes the pieces of Electron it needs as parameters, so tests run it without the binary.
import type { SftpLinkHandlerChoice } from '../core/store/sftp-link-handler';
import { sftpLinkAction } from '../core/store/sftp-link-handler';

export const SFTP_SCHEME = 'sftp';

/** The three calls of Electron's `app` this needs. */
export interface ProtocolClientApp {
  isDefaultProtocolClient(protocol: string): boolean;
  setAsDefaultProtocolClient(protocol: string): boolean;
  removeAsDefaultProtocolClient(protocol: string): boolean;
}

/** The question, as Electron's dialog.showMessageBox takes it; button 0 = use Skiff. */
export const SFTP_LINK_QUESTION = {
  type: 'question' as const,
  buttons: ['Open sftp:// Links in Skiff', 'Keep the Current App'],
  defaultId: 0,
  cancelId: 1,
  title: 'sftp:// links',
  message: 'Open sftp:// links with Skiff?',
  detail:
    'A link such as sftp://user@host/folder would open Quick Connect, filled in; nothing connects by itself. ' +
    'Another app (WinSCP, FileZilla, Cyberduck, …) may open these links now. You can change this later in Settings.',
};

export interface SftpLinkDeps {
  app: ProtocolClientApp;
  /** Shows SFTP_LINK_QUESTION; resolves true for "Open sftp:// Links in Skiff". */
  ask: () => Promise<boolean>;
  /** Stores the answer (settings:set). */
  save: (choice: 'yes' | 'no') => Promise<void>;
}

/** Applies `choice`: asks (once) when it is 'ask' and Skiff is not the handler yet. Returns what it did. */
export async function applySftpLinkChoice(choice: SftpLinkHandlerChoice, deps: SftpLinkDeps): Promise<'registered' | 'released' | 'declined' | 'unchanged'> {
  let action = sftpLinkAction(choice, deps.app.isDefaultProtocolClient(SFTP_SCHEME));
  if (action === 'ask') {
    const yes = await deps.ask();
    // Any answer is remembered, "Keep" and a closed box alike: asked once means once.
    await deps.save(yes ? 'yes' : 'no');
    if (!yes) return 'declined';
    action = 'register';
  }
  if (action === 'register') {
    deps.app.setAsDefaultProtocolClient(SFTP_SCHEME);
    return 'registered';
  }
  if (action === 'release') {
    deps.app.removeAsDefaultProtocolClient(SFTP_SCHEME);
    return 'released';
  }
  return 'unchanged';
}
