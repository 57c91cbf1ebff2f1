import type { EffectiveConfig, NotifyRequest, RecoveryNotice, SupervisorBoard, UpdateStatus } from '@atende/protocol';
import type { IpcHandlers } from './ipc';

/**
 * What each bridge call does, wired to the module that does it. No rules live here: arguments
 * arrive already validated (ipc.ts) and each call is one delegation.
 */
export interface BridgeServices {
  notify(request: NotifyRequest): void;
  setWaitingCount(count: number): void;
  openSupervisor(board: SupervisorBoard): void;
  openConversation(id: string): void;
  config(): EffectiveConfig;
  version(): string;
  updateStatus(): UpdateStatus;
  storeRefreshToken(token: string | null): Promise<void>;
  loadRefreshToken(): Promise<string | null>;
  takeRecoveryNotice(webContentsId: number): RecoveryNotice | null;
}

export function bridgeHandlers(services: BridgeServices): IpcHandlers {
  return {
    'atende:notify': (_event, request) => services.notify(request),
    'atende:badge': (_event, count) => services.setWaitingCount(count),
    'atende:open-supervisor': (_event, board) => services.openSupervisor(board),
    'atende:open-conversation': (_event, id) => services.openConversation(id),
    'atende:config-get': () => services.config(),
    'atende:version': () => services.version(),
    'atende:update-status': () => services.updateStatus(),
    'atende:token-store': (_event, token) => services.storeRefreshToken(token),
    'atende:token-load': () => services.loadRefreshToken(),
    // Per window: the notice is for the window that was reloaded, not for another one.
    'atende:recovery-notice': (event) => services.takeRecoveryNotice(event.sender.id),
  };
}
