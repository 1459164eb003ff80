/**
 * Small collection helpers shared by the stages.
 */

/**
 * Append `value` to the list `map` holds for `key`, making the list on first use. In place: a
 * grouping built with `map.set(key, [...(map.get(key) ?? []), value])` copies each list once per
 * member, which is quadratic in the members (issue #19: noticeable at 1000 services).
 */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
