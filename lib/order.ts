/**
 * Locale-independent ordering. `localeCompare` depends on ICU data and LANG, which would make
 * output differ between machines; every sort in the project uses these instead.
 */

/** Compare two strings by UTF-16 code units. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compare objects by their `name`. */
export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareStrings(a.name, b.name);
}

/** A copy of `record` with its keys in sorted order. */
export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key];
  return out;
}
