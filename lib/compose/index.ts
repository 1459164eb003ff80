/**
 * The Compose loader: `loadProject(opts)` turns Compose files into the typed model.
 * Throws ComposeError (lib/diagnostics.ts) with one Diagnostic per problem.
 */
export { loadProject } from './load';
export type { LoadOptions, LoaderIO } from './load';
export * from './model';
export { toComposeConfigJson } from './config-json';
