import { onScopeDispose, shallowReactive } from 'vue';
import { createKeybindingsHandler } from 'tinykeys';
import { SHORTCUTS, type ShortcutId } from './shortcuts';

/**
 * Who answers each shortcut right now: the components on screen register what they can do
 * (the workstation takes the next conversation, the open conversation transfers…), the last one
 * registered wins, and one window listener (installed by the app) dispatches to them. What is not
 * registered in a window (the lists in a pop-out) simply does nothing there.
 */
interface Entry {
  run: () => void;
  enabled: () => boolean;
}
const handlers = shallowReactive(new Map<ShortcutId, Entry[]>());

/** Registers `run` for `id` while the calling component (or effect scope) lives. */
export function useShortcut(id: ShortcutId, run: () => void, enabled: () => boolean = () => true): void {
  const entry: Entry = { run, enabled };
  handlers.set(id, [...(handlers.get(id) ?? []), entry]);
  onScopeDispose(() => {
    const left = (handlers.get(id) ?? []).filter((e) => e !== entry);
    if (left.length) handlers.set(id, left);
    else handlers.delete(id);
  });
}

function current(id: ShortcutId): Entry | undefined {
  const stack = handlers.get(id);
  return stack?.[stack.length - 1];
}

/** Whether `id` would do something now (the palette offers only these actions); reactive. */
export function available(id: ShortcutId): boolean {
  return current(id)?.enabled() ?? false;
}

/** Runs `id` when it is available; whether it ran. */
export function trigger(id: ShortcutId): boolean {
  const entry = current(id);
  if (!entry?.enabled()) return false;
  entry.run();
  return true;
}

interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  closest?: (selector: string) => unknown;
}

/** Inputs that take no text: a shortcut on a focused checkbox or button is no typing. */
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** The user is typing there: a text field, a select (its letters choose), contenteditable. */
export function typingIn(target: EventTarget | null): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as TargetLike;
  const tag = el.tagName?.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable === true) return true;
  return tag === 'input' && !NOT_TYPED.has((el.type ?? 'text').toLowerCase());
}

/** An open dialog, menu or listbox owns the keys (its own arrows, letters, Esc): nothing fires there. */
export function insideOverlay(target: EventTarget | null): boolean {
  const el = target as TargetLike | null;
  return typeof el?.closest === 'function' && el.closest('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]') != null;
}

/** A minimal keyboard event: what tinykeys reads, so tests can drive the real dispatcher. */
export type KeyEventLike = Pick<KeyboardEvent, 'key' | 'code' | 'getModifierState' | 'repeat' | 'isComposing' | 'target' | 'preventDefault'>;

/**
 * The window's keydown listener for every shortcut in the table: ignored while typing in a
 * field or inside a dialog; a shortcut that ran keeps the browser from acting on the keys too.
 */
export function createShortcutListener(run: (id: ShortcutId) => boolean = trigger): (event: KeyEventLike) => void {
  const map = Object.fromEntries(SHORTCUTS.map((s) => [s.keys, (event: KeyboardEvent) => {
    if (run(s.id)) event.preventDefault();
  }]));
  const listener = createKeybindingsHandler(map, {
    ignore: (event) => event.repeat || event.isComposing || typingIn(event.target) || insideOverlay(event.target),
  });
  return (event) => listener(event as unknown as Event);
}
