/**
 * How names compare, once for every named thing an admin keeps (teams, tags, dispositions, pause
 * types): without case, accents or surrounding spaces ("Pós-venda" and " pos-venda" are one
 * name), and listed in Brazilian Portuguese order.
 */
export const nameKey = (name: string): string => name.trim().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const collator = new Intl.Collator('pt-BR');

/** Sorts by `name` as people read it in pt-BR ("Ágata" beside "Alice", not after "Zeca"). */
export const byName = (a: { name: string }, b: { name: string }): number => collator.compare(a.name, b.name);
