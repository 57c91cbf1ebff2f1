/**
 * The conversation `step` places away from `currentId` in a list (Alt+J next, Alt+K previous):
 * from nothing selected, the first (or, going back, the last); it stops at the ends rather than
 * wrapping, so holding the key does not spin through a long queue.
 */
export function stepThrough<T extends { id: string }>(list: readonly T[], currentId: string | undefined, step: 1 | -1): T | undefined {
  if (list.length === 0) return undefined;
  const index = list.findIndex((item) => item.id === currentId);
  if (index < 0) return step === 1 ? list[0] : list[list.length - 1];
  return list[Math.min(list.length - 1, Math.max(0, index + step))];
}
