import { Notification } from 'electron';
import type { DeepLinkTarget, NotifyRequest } from '@atende/protocol';

/**
 * Native OS notifications (R-DT-02). A click brings the main window back (from the tray, minimised
 * or behind others) and opens the conversation the notification is about.
 */
export interface NotifierOptions {
  showMain: () => void;
  navigate: (target: DeepLinkTarget) => void;
}

export interface Notifier {
  show(request: NotifyRequest): void;
}

/** Ids the renderer can route to; anything else only focuses the window. */
const DOCUMENT_ID = /^conversation:[A-Za-z0-9_.@-]{1,90}$/;

export function createNotifier(options: NotifierOptions): Notifier {
  // Held until closed: a notification garbage-collected while shown loses its click handler.
  const shown = new Set<Notification>();
  return {
    show(request) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: request.title, body: request.body });
      shown.add(notification);
      const forget = (): void => {
        shown.delete(notification);
      };
      notification.on('click', () => {
        forget();
        options.showMain();
        const id = request.conversationId;
        if (id !== undefined && DOCUMENT_ID.test(id)) options.navigate({ kind: 'conversation', id });
      });
      notification.on('close', forget);
      notification.on('failed', forget);
      notification.show();
    },
  };
}
