import { reactive } from 'vue';

/**
 * Messages picked for a ticket (R-WS-14), by conversation: a conversation present here is in
 * selection mode (its messages show checkboxes), with the ids checked so far. Module state, so the
 * message list, the options menu and the ticket bar share it without threading props through the
 * panel; each window (a pop-out too) has its own.
 */
const selections = reactive(new Map<string, Set<string>>());

export const ticketSelection = {
  selecting(conversationId: string): boolean {
    return selections.has(conversationId);
  },
  start(conversationId: string): void {
    if (!selections.has(conversationId)) selections.set(conversationId, new Set());
  },
  stop(conversationId: string): void {
    selections.delete(conversationId);
  },
  isSelected(conversationId: string, messageId: string): boolean {
    return selections.get(conversationId)?.has(messageId) ?? false;
  },
  toggle(conversationId: string, messageId: string, selected: boolean): void {
    const ids = selections.get(conversationId);
    if (!ids) return;
    if (selected) ids.add(messageId);
    else ids.delete(messageId);
  },
  /** In the transcript's order, so the ticket lists them as they were said. */
  selected(conversationId: string, order: readonly { id: string }[]): string[] {
    const ids = selections.get(conversationId);
    return ids ? order.filter((m) => ids.has(m.id)).map((m) => m.id) : [];
  },
};

/** Only what a customer or an agent said goes into a ticket: not trace lines, not internal chat. */
export const selectableForTicket = (message: { direction: string }): boolean => message.direction === 'in' || message.direction === 'out';
