/** vue-i18n's `t` with named values and a plural count (the composer's own type is bound to its locales). */
export type Translate = (key: string, named: Record<string, unknown>, plural: number) => string;

/**
 * The notice's sentences (R-WS-17): "Ana Souza está digitando", "Bruno Lima e Carla Mendes estão
 * vendo" — names joined the way the language joins a list, the verb agreeing with how many.
 */
export function collisionLines(observers: { typing: readonly string[]; viewing: readonly string[] }, t: Translate, locale: string): string[] {
  const names = (list: readonly string[]) => new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }).format(list);
  const lines: string[] = [];
  if (observers.typing.length > 0) lines.push(t('collision.typing', { names: names(observers.typing) }, observers.typing.length));
  if (observers.viewing.length > 0) lines.push(t('collision.viewing', { names: names(observers.viewing) }, observers.viewing.length));
  return lines;
}

/**
 * A participant who types is already named by the conversation's own typing line (under the
 * transcript); in the notice they go on reading as viewing (they are), neither named twice nor
 * dropped: dropping them emptied the strip, and the transcript under it jumped by a line each
 * time someone started or stopped typing.
 */
export function typistAsViewer(
  observers: { typing: readonly string[]; viewing: readonly string[] }, typist: string | undefined,
): { typing: readonly string[]; viewing: readonly string[] } {
  if (!typist || !observers.typing.includes(typist)) return observers;
  return {
    typing: observers.typing.filter((name) => name !== typist),
    viewing: [...observers.viewing, typist].sort((a, b) => a.localeCompare(b)),
  };
}
