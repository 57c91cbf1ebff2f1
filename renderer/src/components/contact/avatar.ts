/**
 * The initials shown in place of a contact's picture: the first letter or digit of the first and
 * last words ("Maria da Silva" → "MS", "+55 11 98765-4321" → "59", never a "+").
 */
export function initialsOf(name: string): string {
  const marks = name.split(/\s+/).flatMap((word) => word.match(/[\p{L}\p{N}]/u) ?? []);
  const first = marks[0] ?? '';
  const last = marks.length > 1 ? marks[marks.length - 1] ?? '' : '';
  return (first + last).toLocaleUpperCase();
}
