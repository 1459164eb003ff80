/**
 * Problems the fuzzer finds that are known and reported to the lead (issue #8 report), so the
 * seeded test and `npm run fuzz` can tell them from new ones. Each entry: a pattern over the
 * problem text and why it is known. Remove an entry once the converter is fixed.
 */
export const KNOWN_PROBLEMS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
];

export function knownProblem(problem: string): string | undefined {
  return KNOWN_PROBLEMS.find((k) => k.pattern.test(problem))?.why;
}
