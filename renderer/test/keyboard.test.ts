import { effectScope, nextTick, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import type { PredefinedDoc } from '@atende/protocol';
import { createShortcutListener, trigger, typingIn, useShortcut, type KeyEventLike } from '../src/keyboard/dispatch';
import { stepThrough } from '../src/keyboard/listStep';
import { ariaKeys, COMPOSER_KEYS, keyLabel, SHORTCUTS, type ShortcutId } from '../src/keyboard/shortcuts';
import { matchPredefined, slashQuery } from '../src/components/conversation/predefined';
import { useSlashList } from '../src/components/conversation/slashList';

/** A key press as the browser reports it, on `target` (an element-like object: no DOM in these tests). */
function press(key: string, code: string, modifiers: string[] = [], target: object = { tagName: 'BODY' }): KeyEventLike & { prevented: boolean } {
  const event = {
    key, code, repeat: false, isComposing: false, target: target as EventTarget, prevented: false,
    getModifierState: (m: string) => modifiers.includes(m),
    preventDefault: () => { event.prevented = true; },
  };
  return event;
}

const element = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, closest: () => null, ...extra });
const inDialog = (tagName: string) => ({ tagName, closest: (selector: string) => (selector.includes('dialog') ? {} : null) });

function fired(event: KeyEventLike): ShortcutId[] {
  const ran: ShortcutId[] = [];
  createShortcutListener((id) => { ran.push(id); return true; })(event);
  return ran;
}

describe('issue 18 point 4: the shortcut registry (R-WS-04 keyboard-first desk)', () => {
  it('issue 18: each shortcut is defined once, with distinct keys', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    expect(new Set(SHORTCUTS.map((s) => s.keys)).size).toBe(SHORTCUTS.length);
  });

  it('issue 18: the desk’s keys fire outside fields (page, button, checkbox)', () => {
    expect(fired(press('t', 'KeyT', ['Alt']))).toEqual(['transfer']);
    expect(fired(press('n', 'KeyN', ['Alt'], element('BUTTON')))).toEqual(['takeNext']);
    expect(fired(press('x', 'KeyX', ['Alt'], element('INPUT', { type: 'checkbox' })))).toEqual(['finish']);
    expect(fired(press('k', 'KeyK', ['Control']))).toEqual(['palette']);
    expect(fired(press('/', 'Slash'))).toEqual(['search']);
    // "?" is Shift+/ on most layouts: the optional Shift still matches.
    expect(fired(press('?', 'Slash', ['Shift']))).toEqual(['help']);
    // macOS's Option+T types "†": the physical key still matches.
    expect(fired(press('†', 'KeyT', ['Alt']))).toEqual(['transfer']);
  });

  it('issue 18: no shortcut fires while typing in a field (input, textarea, select, contenteditable) or inside a dialog', () => {
    const fields = [
      element('INPUT', { type: 'text' }), element('INPUT', { type: 'search' }), element('INPUT'), element('TEXTAREA'),
      element('SELECT'), element('DIV', { isContentEditable: true }),
    ];
    for (const target of fields) {
      expect(typingIn(target as unknown as EventTarget)).toBe(true);
      for (const s of SHORTCUTS) {
        const [mods, key, code] = s.id === 'help' ? [['Shift'], '?', 'Slash'] : s.id === 'search' ? [[], '/', 'Slash'] : s.id === 'palette'
          ? [['Control'], 'k', 'KeyK'] : [['Alt'], s.keys.slice(-1).toLowerCase(), s.keys.replace('Alt+', '')];
        expect(fired(press(key as string, code as string, mods as string[])), s.id).toEqual([s.id]);
        expect(fired(press(key as string, code as string, mods as string[], target)), `${s.id} in ${target.tagName}`).toEqual([]);
      }
    }
    expect(fired(press('x', 'KeyX', ['Alt'], inDialog('BUTTON')))).toEqual([]);
    expect(fired({ ...press('x', 'KeyX', ['Alt']), repeat: true })).toEqual([]);
  });

  it('issue 18: extra modifiers do not match (Ctrl+Alt+T is not Alt+T; plain letters do nothing)', () => {
    expect(fired(press('t', 'KeyT', ['Alt', 'Control']))).toEqual([]);
    expect(fired(press('t', 'KeyT'))).toEqual([]);
  });

  it('issue 18: the last registered handler answers, only while enabled and while its owner lives', () => {
    const first = vi.fn();
    const second = vi.fn();
    const enabled = ref(true);
    const outer = effectScope();
    const inner = effectScope();
    outer.run(() => useShortcut('transfer', first));
    inner.run(() => useShortcut('transfer', second, () => enabled.value));
    expect(trigger('transfer')).toBe(true);
    expect(second).toHaveBeenCalledTimes(1);
    enabled.value = false;
    expect(trigger('transfer')).toBe(false);
    inner.stop();
    expect(trigger('transfer')).toBe(true);
    expect(first).toHaveBeenCalledTimes(1);
    outer.stop();
    expect(trigger('transfer')).toBe(false);
    // The real listener dispatches to the registry and keeps the browser from acting on a shortcut that ran.
    const scope = effectScope();
    const finish = vi.fn();
    scope.run(() => useShortcut('finish', finish));
    const event = press('x', 'KeyX', ['Alt']);
    createShortcutListener()(event);
    expect(finish).toHaveBeenCalledTimes(1);
    expect(event.prevented).toBe(true);
    const unhandled = press('t', 'KeyT', ['Alt']);
    createShortcutListener()(unhandled);
    expect(unhandled.prevented).toBe(false);
    scope.stop();
  });

  it('issue 18: hints per platform, for titles, keycaps and aria-keyshortcuts', () => {
    expect(keyLabel('Alt+KeyT', false)).toEqual(['Alt', 'T']);
    expect(keyLabel('Alt+KeyT', true)).toEqual(['⌥', 'T']);
    expect(keyLabel('$mod+k', false)).toEqual(['Ctrl', 'K']);
    expect(keyLabel('$mod+k', true)).toEqual(['⌘', 'K']);
    expect(keyLabel('[Shift]+?', false)).toEqual(['?']);
    expect(ariaKeys('$mod+k', false)).toBe('Control+K');
    expect(ariaKeys('$mod+k', true)).toBe('Meta+K');
    expect(ariaKeys('Alt+KeyN', false)).toBe('Alt+N');
    expect(COMPOSER_KEYS.map((k) => keyLabel(k.keys, false).join('+'))).toEqual(['Enter', 'Shift+Enter', '/', 'Esc']);
  });

  it('issue 18: next/previous step through the list and stop at its ends', () => {
    const list = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(stepThrough(list, undefined, 1)?.id).toBe('a');
    expect(stepThrough(list, undefined, -1)?.id).toBe('c');
    expect(stepThrough(list, 'a', 1)?.id).toBe('b');
    expect(stepThrough(list, 'c', 1)?.id).toBe('c');
    expect(stepThrough(list, 'a', -1)?.id).toBe('a');
    expect(stepThrough([], 'a', 1)).toBeUndefined();
  });
});

const predefined = (id: string, title: string, text: string): PredefinedDoc =>
  ({ id, type: 'predefined', teamId: null, title, text, createdAt: 1, updatedAt: 1 }) as PredefinedDoc;
const LIST = [
  predefined('p1', 'Prazo de entrega', 'A entrega leva até 5 dias úteis.'),
  predefined('p2', 'Saudação', 'Olá! Como posso ajudar?'),
  predefined('p3', 'Rastreio', 'Acompanhe a ENTREGA pelo código.'),
  predefined('p4', 'Tabela de preços', 'Segue a tabela.'),
];

describe('issue 18 point 4, R-WS-04: "/" in the composer filters the predefined messages', () => {
  it('R-WS-04 only "/" at the very start is a command; "/" elsewhere, or a second line, is text', () => {
    expect(slashQuery('/entrega')).toBe('entrega');
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('veja em http://x.com/entrega')).toBeUndefined();
    expect(slashQuery(' /entrega')).toBeUndefined();
    expect(slashQuery('/entrega\nmais')).toBeUndefined();
  });

  it('R-WS-04 "/entrega" finds the messages with "entrega" in title or text, accents and case ignored', () => {
    expect(matchPredefined(LIST, 'entrega').map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(matchPredefined(LIST, 'precos').map((p) => p.id)).toEqual(['p4']);
    expect(matchPredefined(LIST, '').map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(matchPredefined(LIST, 'nada disso')).toEqual([]);
  });

  it('R-WS-04 arrows move, Enter picks the highlighted one, Esc closes until the text is no command', async () => {
    const text = ref('');
    const picked: string[] = [];
    const scope = effectScope();
    const slash = scope.run(() => useSlashList(text, () => LIST, (p) => picked.push(p.id)))!;
    const key = (k: string) => {
      const event = { key: k, shiftKey: false, isComposing: false, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      return { used: slash.onKeydown(event as unknown as KeyboardEvent), event };
    };
    expect(slash.open.value).toBe(false);
    expect(key('Enter').used).toBe(false);
    text.value = '/entrega';
    await nextTick();
    expect(slash.open.value).toBe(true);
    expect(slash.matches.value.map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(key('ArrowDown').used).toBe(true);
    expect(slash.active.value).toBe(1);
    expect(key('ArrowDown').used).toBe(true);
    expect(slash.active.value).toBe(0);
    key('ArrowUp');
    const enter = key('Enter');
    expect(enter.used && enter.event.defaultPrevented).toBe(true);
    expect(picked).toEqual(['p3']);
    // Esc closes it; Enter then sends as usual; typing on keeps it closed until the "/" goes.
    expect(key('Escape').used).toBe(true);
    expect(slash.open.value).toBe(false);
    expect(key('Enter').used).toBe(false);
    text.value = '/entreg';
    await nextTick();
    expect(slash.open.value).toBe(false);
    text.value = '';
    await nextTick();
    text.value = '/sau';
    await nextTick();
    expect(slash.open.value).toBe(true);
    expect(slash.matches.value.map((p) => p.id)).toEqual(['p2']);
    // Nothing matches: Enter is the composer's again.
    text.value = '/zzz';
    await nextTick();
    expect(key('Enter').used).toBe(false);
    scope.stop();
  });
});
