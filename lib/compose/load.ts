/**
 * The loader pipeline, in compose-go's phase order: parse (positions) -> interpolate (per file,
 * values only) -> validate (compose-spec schema) -> extends -> include -> merge -> profiles ->
 * normalize into the typed model (lib/compose/model.ts) -> cross-reference checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Diagnostic } from '../diagnostics';
import { ComposeError, error, sortDiagnostics, warning } from '../diagnostics';
import { discoverFiles, splitComposeFileVar } from './discovery';
import { parseDotenv } from './dotenv';
import { resolveExtends } from './extends';
import { IncludeRequest, processInclude } from './include';
import { interpolateTree, Lookup, substitute } from './interpolate';
import type { LoadedFile } from './loaded-file';
import { canonicalizeFile, mergeValues, recordCanonicalPositions } from './merge';
import type { ComposeNetwork, ComposeProject, ComposeService } from './model';
import { NormalizeContext, sortKeys } from './normalize/context';
import { normalizeConfigsTop, normalizeNetworksTop, normalizeSecretsTop, normalizeVolumesTop } from './normalize/resources';
import { normalizeService } from './normalize/service';
import { checkDependencyCycles, checkReferences } from './references';
import { parseComposeYaml, ParseResult, setOwn } from './parse';
import { rebaseFile } from './paths';
import { applyProfiles } from './profiles';
import { isValidProjectName, normalizeProjectName } from './project-name';
import { validateSchema } from './schema';

export interface LoadOptions {
  /** `-f`, repeated; relative to cwd. Empty/undefined -> COMPOSE_FILE, else discovery. */
  files?: string[];
  /** `--project-directory`; default: the directory of the first file. */
  projectDirectory?: string;
  /** `--env-file`, repeatable; default: `<projectDirectory>/.env` if present. */
  envFiles?: string[];
  /** `--profile`; plus COMPOSE_PROFILES. */
  profiles?: string[];
  /** `-p`; else COMPOSE_PROJECT_NAME, `name:`, the folder name. */
  projectName?: string;
  /** The process environment, injected (never read process.env inside lib/). */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** File access, injectable for tests. */
export interface LoaderIO {
  readFile(file: string): string;
  exists(file: string): boolean;
}

const NODE_IO: LoaderIO = {
  readFile: (f) => fs.readFileSync(f, 'utf8'),
  exists: (f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  },
};

interface Env {
  readonly lookup: Lookup;
  /** Identity for caching files interpolated with this environment. */
  readonly id: string;
}

let envCounter = 0;

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? String(e);
}

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  /** The decided project name, once known: COMPOSE_PROJECT_NAME of every environment made after (includes). */
  projectName?: string;
  private readonly cache = new Map<string, LoadedFile | undefined>();
  /** Parses made ahead of their file's load (the project name), each handed over once. */
  private readonly parsedAhead = new Map<string, { text: string; parsed: ParseResult }>();

  constructor(
    readonly io: LoaderIO,
    readonly injected: Readonly<Record<string, string | undefined>>,
  ) {}

  /** Injected env over the given dotenv files (missing explicit file -> error). */
  environment(envFiles: readonly string[], explicit: boolean, from?: { path?: string; location?: Diagnostic['location'] }, sink: Diagnostic[] = this.diagnostics): Env {
    const values: Record<string, string> = {};
    const injectedLookup = (n: string) => this.injected[n];
    for (const f of envFiles) {
      let text: string;
      try {
        text = this.io.readFile(f);
      } catch (e) {
        if (explicit) sink.push(error(`env file ${f} ${describeFsError(e)}`, { ...from, hint: 'fix the --env-file / env_file path' }));
        continue;
      }
      const r = parseDotenv(text, f, (n) => injectedLookup(n) ?? values[n]);
      sink.push(...r.diagnostics);
      Object.assign(values, r.entries);
    }
    const lookup: Lookup = (n) =>
      n === 'COMPOSE_PROJECT_NAME' && this.projectName !== undefined
        ? this.projectName
        : this.injected[n] ?? (Object.prototype.hasOwnProperty.call(values, n) ? values[n] : undefined);
    return { lookup, id: String(++envCounter) };
  }

  /** Read, parse, interpolate, validate and canonicalize one file (all its documents merged). */
  readComposeFile(file: string, env: Env, from?: { path: string; location?: Diagnostic['location'] }): LoadedFile | undefined {
    const key = `${env.id}\u0000${file}`;
    if (this.cache.has(key)) return this.cache.get(key);
    this.cache.set(key, undefined);
    let text: string;
    try {
      text = this.io.readFile(file);
    } catch (e) {
      this.diagnostics.push(error(`Compose file ${file} ${describeFsError(e)}`, { ...(from ?? {}), hint: 'check the path given with -f, COMPOSE_FILE, extends or include' }));
      return undefined;
    }
    const parsed = this.parse(text, file);
    if (parsed.diagnostics.length) {
      this.diagnostics.push(...parsed.diagnostics);
      return undefined;
    }
    let merged: LoadedFile | undefined;
    let failed = false;
    for (const doc of parsed.documents) {
      const before = this.diagnostics.length;
      if (doc.data === null || doc.data === undefined) continue; // an empty document
      let data: unknown = doc.data;
      if (typeof data !== 'object' || Array.isArray(data)) {
        this.diagnostics.push(error('a Compose file must be a mapping (services:, volumes:, ...)', { location: doc.sourceMap.locateValue('') ?? { file, line: 1, col: 1 } }));
        failed = true;
        continue;
      }
      data = fixEmptyServices(interpolateTree(data, env.lookup, doc.sourceMap, this.diagnostics));
      if (this.diagnostics.slice(before).some((d) => d.severity === 'error')) {
        failed = true;
        continue;
      }
      const schemaErrors = validateSchema(data, doc.sourceMap, doc.tags);
      if (schemaErrors.length) {
        this.diagnostics.push(...schemaErrors);
        failed = true;
        continue;
      }
      if ((data as Record<string, unknown>).version !== undefined) {
        this.diagnostics.push(
          warning('the "version" key is obsolete and ignored', { path: 'version', location: doc.sourceMap.locate('version'), hint: 'remove it' }),
        );
      }
      recordCanonicalPositions(data, doc.sourceMap);
      const canon = canonicalizeFile(data) as Record<string, unknown>;
      if (!merged) merged = { file, data: canon, sourceMap: doc.sourceMap, tags: doc.tags };
      else {
        merged.data = mergeValues(merged.data, canon, doc.tags) as Record<string, unknown>;
        merged.sourceMap.absorb(doc.sourceMap, true);
        for (const [k, v] of doc.tags) merged.tags.set(k, v);
      }
    }
    if (!failed && !merged) {
      this.diagnostics.push(error('empty compose file', { location: { file, line: 1, col: 1 }, hint: 'add at least a "services:" section' }));
      failed = true;
    }
    const result = failed ? undefined : merged;
    this.cache.set(key, result);
    return result;
  }

  /**
   * The parse of `text`: the one nameFromFiles made ahead when the text is the same (the loader
   * then owns it and may change its source map), else a fresh one.
   */
  private parse(text: string, file: string): ParseResult {
    const ahead = this.parsedAhead.get(file);
    this.parsedAhead.delete(file);
    return ahead && ahead.text === text ? ahead.parsed : parseComposeYaml(text, file);
  }

  /** The top-level `name:` of the files, each interpolated on its own; the last one set wins. */
  nameFromFiles(files: readonly string[], lookup: Lookup): string | undefined {
    let found: string | undefined;
    for (const f of files) {
      let text: string;
      try {
        text = this.io.readFile(f);
      } catch {
        continue; // reported when the file is loaded
      }
      const parsed = parseComposeYaml(text, f);
      this.parsedAhead.set(f, { text, parsed });
      for (const doc of parsed.documents) {
        const raw = doc.data && typeof doc.data === 'object' && !Array.isArray(doc.data) ? (doc.data as Record<string, unknown>).name : undefined;
        if (typeof raw !== 'string' || !raw) continue;
        const r = substitute(raw, lookup);
        if (!r.problem && r.value) found = r.value;
      }
    }
    return found;
  }

  /** A file with its extends and includes resolved (a fresh copy; the cache keeps the raw file). */
  prepareFile(file: string, env: Env, chain: readonly string[], from?: { path: string; location?: Diagnostic['location'] }): LoadedFile | undefined {
    if (chain.includes(file)) {
      this.diagnostics.push(error(`include cycle: ${[...chain, file].map((f) => path.basename(f)).join(' -> ')}`, { ...(from ?? {}), hint: 'remove one of the includes' }));
      return undefined;
    }
    const raw = this.readComposeFile(file, env, from);
    if (!raw) return undefined;
    const lf: LoadedFile = { file, data: raw.data, sourceMap: raw.sourceMap.copy(), tags: raw.tags };
    resolveExtends(
      lf,
      (other, at) => this.readComposeFile(other, env, { path: at.path, location: at.file.sourceMap.locate(at.path) }),
      this.diagnostics,
    );
    processInclude(lf, (req, owner) => this.loadIncluded(req, owner, [...chain, file]), this.diagnostics);
    return lf;
  }

  private loadIncluded(req: IncludeRequest, owner: LoadedFile, chain: readonly string[]): LoadedFile | undefined {
    const from = { path: req.at, location: owner.sourceMap.locate(req.at) };
    const envFiles = req.envFiles ?? [path.join(req.projectDirectory, '.env')].filter((f) => this.io.exists(f));
    const env = this.environment(envFiles, req.envFiles !== undefined, from);
    const merged = this.loadFiles(req.files, env, chain, from);
    if (!merged) return undefined;
    merged.data = rebaseFile(merged.data, req.projectDirectory) as Record<string, unknown>;
    return merged;
  }

  /** Loads and merges a list of files (the `-f` list of a project or an include). */
  loadFiles(files: readonly string[], env: Env, chain: readonly string[], from?: { path: string; location?: Diagnostic['location'] }): LoadedFile | undefined {
    let acc: LoadedFile | undefined;
    let ok = true;
    for (const f of files) {
      const lf = this.prepareFile(f, env, chain, from);
      if (!lf) {
        ok = false;
        continue;
      }
      if (!acc) acc = { file: f, data: lf.data, sourceMap: lf.sourceMap, tags: new Map() };
      else {
        acc.data = mergeValues(acc.data, lf.data, lf.tags) as Record<string, unknown>;
        acc.sourceMap.absorb(lf.sourceMap, true);
      }
    }
    return ok ? acc : undefined;
  }
}

function fail(diagnostics: Diagnostic[]): never {
  throw new ComposeError(sortDiagnostics(diagnostics.filter((d) => d.severity === 'error')));
}

/** Loads a Compose project. Throws ComposeError (one Diagnostic per problem) for bad input. */
export function loadProject(opts: LoadOptions, io: LoaderIO = NODE_IO): ComposeProject {
  const loader = new Loader(io, opts.env);
  const cwd = path.resolve(opts.cwd);
  const d = loader.diagnostics;

  // Which files. COMPOSE_* variables may also come from the .env of the working/project directory.
  const firstEnvDir = opts.projectDirectory ? path.resolve(cwd, opts.projectDirectory) : cwd;
  const explicitEnvFiles = opts.envFiles?.length ? opts.envFiles.map((f) => path.resolve(cwd, f)) : undefined;
  const preEnv = loader.environment(explicitEnvFiles ?? [path.join(firstEnvDir, '.env')].filter((f) => io.exists(f)), false, undefined, []);
  let files: string[];
  if (opts.files && opts.files.length) files = opts.files.map((f) => path.resolve(cwd, f));
  else if (preEnv.lookup('COMPOSE_FILE')) files = splitComposeFileVar(preEnv.lookup('COMPOSE_FILE')!, preEnv.lookup('COMPOSE_PATH_SEPARATOR')).map((f) => path.resolve(firstEnvDir, f));
  else {
    files = discoverFiles(firstEnvDir, (f) => io.exists(f));
    if (!files.length) {
      throw new ComposeError(
        error(`no Compose file found in ${firstEnvDir} or its parent directories`, {
          hint: 'add a compose.yaml, or pass -f FILE (or set COMPOSE_FILE)',
        }),
      );
    }
  }
  if (files.includes(path.resolve(cwd, '-'))) throw new ComposeError(error('reading a Compose file from standard input ("-f -") is not supported', { hint: 'save it to a file and pass its path' }));

  const projectDirectory = opts.projectDirectory ? path.resolve(cwd, opts.projectDirectory) : path.dirname(files[0]);
  const envFiles = explicitEnvFiles ?? [path.join(projectDirectory, '.env')].filter((f) => io.exists(f));
  const env = loader.environment(envFiles, explicitEnvFiles !== undefined);
  if (d.some((x) => x.severity === 'error')) fail(d);

  // Project name, decided before the files are interpolated (as compose-go does): -p,
  // COMPOSE_PROJECT_NAME, the files' `name:` (interpolated on its own, last file wins), the folder.
  const candidates: [string | undefined, string][] = [
    [opts.projectName, '-p'],
    [env.lookup('COMPOSE_PROJECT_NAME') || undefined, 'COMPOSE_PROJECT_NAME'],
    [loader.nameFromFiles(files, env.lookup), 'name:'],
    [path.basename(projectDirectory), 'the project directory name'],
  ];
  const [rawName, nameSource] = candidates.find(([v]) => v !== undefined) as [string, string];
  const name = nameSource === 'the project directory name' ? normalizeProjectName(rawName) : rawName;
  // Compose then offers the decided name to interpolation and to bare `environment` / `build.args`
  // keys as COMPOSE_PROJECT_NAME (over the environment's own value: `-p` wins there too).
  const projectEnv: Env = { lookup: (n) => (n === 'COMPOSE_PROJECT_NAME' ? name : env.lookup(n)), id: `${env.id}+name` };

  loader.projectName = name;
  const merged = loader.loadFiles(files, projectEnv, []);
  if (!merged || d.some((x) => x.severity === 'error')) fail(d);
  const data = merged.data;
  const sourceMap = merged.sourceMap;
  if (!isValidProjectName(name)) {
    const at = nameSource === 'name:' ? 'name' : undefined;
    fail([
      error(`invalid project name "${rawName}" (from ${nameSource})`, {
        path: at,
        location: at ? sourceMap.locate(at) : undefined,
        hint: 'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
      }),
    ]);
  }

  // Profiles.
  const active = new Set<string>(opts.profiles ?? []);
  for (const p of (env.lookup('COMPOSE_PROFILES') ?? '').split(',')) if (p.trim()) active.add(p.trim());
  const allServices = (data.services && typeof data.services === 'object' ? data.services : {}) as Record<string, unknown>;
  const services = applyProfiles(allServices, active, sourceMap, d);

  // Normalize.
  const ctx: NormalizeContext = {
    projectDirectory,
    projectName: name,
    lookup: projectEnv.lookup,
    sourceMap,
    diagnostics: d,
    readFile: (f) => io.readFile(f),
    exists: (f) => io.exists(f),
  };
  const typed: Record<string, ComposeService> = {};
  for (const svcName of Object.keys(services).sort()) typed[svcName] = normalizeService(svcName, services[svcName], ctx);
  const networks: Record<string, ComposeNetwork> = normalizeNetworksTop(data.networks, ctx);
  // The implicit default network, as `docker compose config` shows it.
  for (const [svcName, svc] of Object.entries(typed)) {
    if (svc.networkMode === undefined && Object.keys(svc.networks).length === 0) {
      typed[svcName] = { ...svc, networks: { default: { aliases: [] } } };
    }
    // Joined implicitly or by naming `default`: Compose lists the network at the top level either way.
    if (typed[svcName].networks.default && !networks.default) {
      networks.default = { name: `${name}_default`, external: false, internal: false, extensions: {} };
    }
  }
  const project: ComposeProject = {
    name,
    projectDirectory,
    files,
    interpolationEnvFiles: envFiles,
    services: typed,
    volumes: normalizeVolumesTop(data.volumes, ctx),
    networks: sortKeys(networks),
    secrets: normalizeSecretsTop(data.secrets, ctx),
    configs: normalizeConfigsTop(data.configs, ctx),
    extensions: Object.fromEntries(Object.keys(data).filter((k) => k.startsWith('x-')).sort().map((k) => [k, data[k]])),
    warnings: [],
    sourceMap,
  };
  checkReferences(project, ctx);
  checkDependencyCycles(project, ctx);
  if (d.some((x) => x.severity === 'error')) fail(d);
  return { ...project, warnings: dedupe(sortDiagnostics(d.filter((x) => x.severity === 'warning'))) };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const id = JSON.stringify([x.location, x.path, x.message]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** compose-go's "fix empty nodes": `services: {web: }` means an empty service. */
function fixEmptyServices(data: unknown): unknown {
  const d = data as Record<string, unknown>;
  const services = d.services;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return data;
  if (!Object.values(services).some((v) => v === null)) return data;
  const fixed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(services)) setOwn(fixed, k, v === null ? {} : v);
  return { ...d, services: fixed };
}
