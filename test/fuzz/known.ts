/**
 * Problems the fuzzer finds that are known and reported to the lead (issue #8 report), so the
 * seeded test and `npm run fuzz` can tell them from new ones. Each entry: a pattern over the
 * problem text and why it is known. Remove an entry once the converter is fixed.
 */
export const KNOWN_PROBLEMS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /containerPort: 0 must be between 1 and 65535/,
    why: 'lib/compose/normalize (ports): "80:0" (container port 0) is accepted and becomes containerPort 0; Compose v2 rejects it ("missing a target port")',
  },
];

export function knownProblem(problem: string): string | undefined {
  return KNOWN_PROBLEMS.find((k) => k.pattern.test(problem))?.why;
}
