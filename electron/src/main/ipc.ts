import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import {
  IPC_ARGS,
  type DesktopEvent,
  type DesktopEvents,
  type IpcArgs,
  type IpcChannel,
  type IpcResults,
} from '@atende/protocol';
import { isAppUrl } from './origin';

/**
 * Typed IPC over the one channel map in `protocol/src/desktop.ts` (STYLE: Rocket.Chat's typed
 * channels). Each call is checked before its handler runs: the sender must be the top frame of a
 * page of the app, and the arguments must match the channel's schema. A page that fails either gets
 * a rejected promise; the handler never sees it.
 */
export type IpcHandler<C extends IpcChannel> = (
  event: IpcMainInvokeEvent,
  ...args: IpcArgs<C>
) => IpcResults[C] | Promise<IpcResults[C]>;

/** One handler per channel: adding a channel to the protocol breaks the build until it is handled. */
export type IpcHandlers = { [C in IpcChannel]: IpcHandler<C> };

export class IpcRefusedError extends Error {
  constructor(channel: string, reason: string) {
    super(`${channel}: ${reason}`);
    this.name = 'IpcRefusedError';
  }
}

/** The app's own top-level page; iframes (which CSP forbids anyway) never reach the main process. */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/** Validates and dispatches one call; exported so tests exercise exactly what `handle` registers. */
export async function dispatch<C extends IpcChannel>(
  channel: C,
  handler: IpcHandler<C>,
  event: IpcMainInvokeEvent,
  rawArgs: unknown[],
): Promise<IpcResults[C]> {
  if (!isTrustedSender(event.senderFrame)) throw new IpcRefusedError(channel, 'sender is not the app');
  const parsed = IPC_ARGS[channel].safeParse(rawArgs);
  if (!parsed.success) throw new IpcRefusedError(channel, 'invalid arguments');
  return handler(event, ...(parsed.data as IpcArgs<C>));
}

export function handle<C extends IpcChannel>(ipcMain: IpcMain, channel: C, handler: IpcHandler<C>): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => dispatch(channel, handler, event, args));
}

export function registerIpcHandlers(ipcMain: IpcMain, handlers: IpcHandlers): void {
  for (const channel of Object.keys(IPC_ARGS) as IpcChannel[]) {
    handle(ipcMain, channel, handlers[channel] as IpcHandler<typeof channel>);
  }
}

/** Main → renderer, typed by the same contract. */
export function sendEvent<E extends DesktopEvent>(contents: WebContents, event: E, payload: DesktopEvents[E]): void {
  if (!contents.isDestroyed()) contents.send(event, payload);
}
