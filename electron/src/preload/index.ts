import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AtendeBridge, DesktopEvent, DesktopEvents, IpcArgs, IpcChannel, IpcResults } from '@atende/protocol';

/**
 * The whole surface the renderer gets from the desktop shell: `window.atende`, implementing the
 * protocol's `AtendeBridge`. Only these calls and these two events cross; `ipcRenderer` itself,
 * its event objects and Node stay here. The main process re-validates every argument anyway.
 * (Type-only imports: nothing of the protocol package is bundled into this sandboxed script.)
 */
function invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResults[C]> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcResults[C]>;
}

/** Every event of the contract, and only those: a new event must be added here to be received. */
const EVENTS: Record<DesktopEvent, true> = { 'atende:navigate': true, 'atende:update-status': true, 'atende:resumed': true };

function isDesktopEvent(name: unknown): name is DesktopEvent {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}

export const bridge: AtendeBridge = {
  notify: (request) => invoke('atende:notify', request),
  setBadgeCount: (count) => invoke('atende:badge', count),
  openSupervisorWindow: (board) => invoke('atende:open-supervisor', board),
  openConversationWindow: (conversationId) => invoke('atende:open-conversation', conversationId),
  getConfig: () => invoke('atende:config-get'),
  getVersion: () => invoke('atende:version'),
  getUpdateStatus: () => invoke('atende:update-status'),
  storeRefreshToken: (token) => invoke('atende:token-store', token),
  loadRefreshToken: () => invoke('atende:token-load'),
  takeRecoveryNotice: () => invoke('atende:recovery-notice'),
  on<E extends DesktopEvent>(event: E, listener: (payload: DesktopEvents[E]) => void): () => void {
    if (!isDesktopEvent(event) || typeof listener !== 'function') throw new TypeError('atende.on: unknown event or listener');
    // The IpcRendererEvent (with `sender`, i.e. ipcRenderer) never reaches the page.
    const forward = (_event: IpcRendererEvent, payload: DesktopEvents[E]): void => listener(payload);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
};

contextBridge.exposeInMainWorld('atende', bridge);
