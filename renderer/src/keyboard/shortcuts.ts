/**
 * The desk's keyboard shortcuts (issue 18 point 4), defined once: the handlers, the "?" list,
 * the hints beside the actions (`<kbd>`, `aria-keyshortcuts`) and the command palette all read
 * this table. Keys are Alt+letter (by physical key, so macOS's Option characters and other
 * layouts still match), $mod+K for the palette, and "/" and "?" alone — never plain letters,
 * which screen readers' browse modes use, and none of Chromium's own (Alt+D/E/F, Ctrl+L/T/W…).
 */
export const SHORTCUT_IDS = [
  'takeNext', 'nextConversation', 'previousConversation', 'search', 'palette', 'composer', 'transfer', 'finish', 'help',
] as const;
export type ShortcutId = (typeof SHORTCUT_IDS)[number];

/** Keys the composer handles itself while its field has the focus (listed, never dispatched globally). */
export const COMPOSER_KEY_IDS = ['send', 'newLine', 'predefined', 'leave'] as const;
export type ComposerKeyId = (typeof COMPOSER_KEY_IDS)[number];

export type ShortcutGroup = 'desk' | 'conversation' | 'composer';

export interface Shortcut<Id extends string = ShortcutId> {
  id: Id;
  /** A tinykeys binding: `$mod` is Ctrl on Windows/Linux and Cmd on macOS; `[Shift]` optional. */
  keys: string;
  group: ShortcutGroup;
  /** Also in a pop-out conversation window (R-DT-03). */
  popOut: boolean;
}

export const SHORTCUTS: ReadonlyArray<Shortcut> = [
  { id: 'takeNext', keys: 'Alt+KeyN', group: 'desk', popOut: false },
  { id: 'nextConversation', keys: 'Alt+KeyJ', group: 'desk', popOut: false },
  { id: 'previousConversation', keys: 'Alt+KeyK', group: 'desk', popOut: false },
  { id: 'search', keys: '[Shift]+/', group: 'desk', popOut: false },
  { id: 'palette', keys: '$mod+k', group: 'desk', popOut: false },
  { id: 'composer', keys: 'Alt+KeyR', group: 'conversation', popOut: true },
  { id: 'transfer', keys: 'Alt+KeyT', group: 'conversation', popOut: true },
  { id: 'finish', keys: 'Alt+KeyX', group: 'conversation', popOut: true },
  { id: 'help', keys: '[Shift]+?', group: 'desk', popOut: true },
];

export const COMPOSER_KEYS: ReadonlyArray<Shortcut<ComposerKeyId>> = [
  { id: 'send', keys: 'Enter', group: 'composer', popOut: true },
  { id: 'newLine', keys: 'Shift+Enter', group: 'composer', popOut: true },
  { id: 'predefined', keys: '/', group: 'composer', popOut: true },
  { id: 'leave', keys: 'Escape', group: 'composer', popOut: true },
];

export function shortcut(id: ShortcutId): Shortcut {
  const found = SHORTCUTS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown shortcut ${id}`);
  return found;
}

export const isMac = (platform: string = typeof navigator === 'object' ? navigator.platform : ''): boolean => /Mac|iPod|iPhone|iPad/.test(platform);

/** The key's name as printed on the keycap: `KeyN` → `N`, `Escape` → `Esc`. */
function keyName(key: string): string {
  const letter = /^Key([A-Z])$/.exec(key);
  if (letter) return letter[1] as string;
  if (key.length === 1) return key.toUpperCase();
  return key === 'Escape' ? 'Esc' : key;
}

/** The parts of a binding with its optional modifiers left out: `[Shift]+?` → `['?']`. */
function parts(keys: string): { modifiers: string[]; key: string } {
  const all = keys.split(/(?<=\w|\])\+/);
  const key = all.pop() ?? '';
  return { modifiers: all.filter((m) => !m.startsWith('[')), key };
}

/** What the hint shows, per platform: `Alt+N`, `Ctrl+K`; on a Mac `⌥N`, `⌘K`. */
export function keyLabel(keys: string, mac = isMac()): string[] {
  const { modifiers, key } = parts(keys);
  const names = modifiers.map((m) => {
    if (m === '$mod') return mac ? '⌘' : 'Ctrl';
    if (m === 'Alt') return mac ? '⌥' : 'Alt';
    if (m === 'Shift') return mac ? '⇧' : 'Shift';
    return m;
  });
  return [...names, keyName(key)];
}

/** The `aria-keyshortcuts` value (WAI-ARIA: modifiers by their `KeyboardEvent.key` names, then the key). */
export function ariaKeys(keys: string, mac = isMac()): string {
  const { modifiers, key } = parts(keys);
  const names = modifiers.map((m) => (m === '$mod' ? (mac ? 'Meta' : 'Control') : m));
  const letter = /^Key([A-Z])$/.exec(key);
  return [...names, letter ? letter[1] : key.length === 1 ? key.toUpperCase() : key].join('+');
}

/** The hint as one string: `Alt+T`, on a Mac `⌥T`. */
export function keyText(keys: string, mac = isMac()): string {
  return keyLabel(keys, mac).join(mac ? '' : '+');
}

/** What a button's title or tooltip says: its name and, in brackets, its shortcut. */
export function withKeys(label: string, id: ShortcutId): string {
  return `${label} (${keyText(shortcut(id).keys)})`;
}
