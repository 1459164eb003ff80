/**
 * Storage: service volumes, tmpfs, shm_size, configs and secrets → pod volumes and mounts, plus the
 * project-wide objects they need (PersistentVolumeClaims, ConfigMaps, Secret references).
 *
 * - A named volume becomes one PersistentVolumeClaim, shared by every service that mounts it, on
 *   DigitalOcean block storage (`do-block-storage`, 1Gi) unless `volumes.<name>.x-k8s` (size,
 *   storageClass), the service's `x-k8s` (volumeSize, storageClass) or the top-level `x-k8s`
 *   (storageClass) say otherwise. `external: true` refers to an existing claim by name.
 * - Any pod mounting a block-storage claim (ReadWriteOnce) is rolled out with `Recreate`. Once
 *   kinds and replicas are known, claim-sharing.ts keeps pods sharing a claim on one node and turns
 *   a StatefulSet's own volumes into volumeClaimTemplates.
 * - An anonymous volume lives as long as the pod: an emptyDir.
 * - `tmpfs` mounts and `shm_size` (at /dev/shm) become emptyDir with `medium: Memory` and a sizeLimit.
 * - Bind mounts: see bind-mounts.ts. Configs: configs.ts. Secrets: secrets.ts.
 *
 * `StoragePlanner` is made once per project: `planService` for each service, then `finish`.
 * Problems are collected (errors and warnings arrays), never thrown, so the user sees all of them.
 */
import type { ComposeProject, ComposeService, VolumeMount } from '../compose/model';
import { ComposeError, Diagnostic, error, quietly, SourceLocation, warning } from '../diagnostics';
import { compareStrings } from '../order';
import { bindClaimName, bindConfigMapName, classifyBind, classifyHostPath, hostClaimName } from './bind-mounts';
import { CONFIGMAP_LIMIT_BYTES, ConfigData, configData, formatBytes } from './config-data';
import { planServiceConfigs } from './configs';
import type { ConfigMapEntry, StorageContext } from './file-refs';
import { looksSecretFile, readSecretRules, SecretRules } from './env';
import { NODE_FILES, ProjectFiles, readFolder } from './files';
import type { ConfigMapPlan, PodVolumePlan, SecretRefPlan, VolumeClaimPlan, VolumeMountPlan } from './model';
import { toDns1035 } from './names';
import { planServiceSecrets } from './secrets';
import { readServiceXK8s, readTopLevelXK8s, readVolumeXK8s, ServiceXK8s, XK8sProject } from './x-k8s';

export const DEFAULT_STORAGE_CLASS = 'do-block-storage';
export const DEFAULT_VOLUME_SIZE_GIB = 1;
/** Annotation holding the Compose volume name when the claim name had to differ. */
const ANNOTATION_COMPOSE_VOLUME = 'compose-cdk8s.io/volume';
/** Annotation holding the project path of a bind-mounted folder or file. */
export const ANNOTATION_BIND_SOURCE = 'compose-cdk8s.io/bind-source';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A bind-mounted project file or folder, shipped as a ConfigMap or a Secret reference. */
interface ShippedFiles {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** Keys in input order (a single file: its one key). */
  readonly keys: string[];
  readonly volume: PodVolumePlan;
}

export type { ConfigMapEntry } from './file-refs';

export interface StorageOptions {
  /** File access for ConfigMaps built from project files (default: the real disk). */
  readonly files?: ProjectFiles;
  /** The environment `configs.<name>.environment` is read from (Compose reads it at `up`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ServiceVolumesPlan {
  readonly volumes: PodVolumePlan[];
  readonly mounts: VolumeMountPlan[];
  /** Compose names of the named (non-external) volumes this service mounts. */
  readonly claims: string[];
  /** True when the pod mounts a ReadWriteOnce claim (named, external or bind folder): roll out with Recreate. */
  readonly recreate: boolean;
}

export interface ProjectStoragePlan {
  readonly volumeClaims: VolumeClaimPlan[];
  readonly configMaps: ConfigMapPlan[];
  /** What each ConfigMap was built from, in the order of `configMaps`. */
  readonly configMapSources: readonly ConfigMapEntry[];
  readonly secretRefs: SecretRefPlan[];
}

/** The claim name of a Compose named volume. */
export function claimName(project: ComposeProject, volume: string): string {
  const declared = project.volumes[volume];
  return toDns1035(declared?.external ? declared.name : volume);
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1, Ki: 1024, Mi: MiB, Gi: GiB, Ti: 1024 * GiB, Pi: 1024 ** 5, Ei: 1024 ** 6,
  k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3, g: 1e9, t: 1e12, p: 1e15, e: 1e18,
};

/** A Kubernetes quantity (`10Gi`, `500M`, a number of bytes) in bytes; undefined when not one. */
export function quantityBytes(q: string | number): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([KMGTPE]i?|[kmgtpe]|)$/.exec(String(q).trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]];
}

/** Shared state of one project's storage planning; see the module comment. */
export class StoragePlanner implements StorageContext {
  readonly project: ComposeProject;
  readonly files: ProjectFiles;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly warnings: Diagnostic[];
  readonly errors: Diagnostic[];
  private readonly top: XK8sProject;
  /** Compose volume → services mounting it (non-external named volumes). */
  private readonly namedUsers = new Map<string, string[]>();
  /** Claim name → bind folder claim. */
  private readonly bindClaims = new Map<string, { rel: string; abs: string; users: string[] }>();
  /** ConfigMaps by name, with the source they stand for (to keep names unique). */
  readonly configMaps = new Map<string, ConfigMapEntry>();
  /** Secret references by name. */
  readonly secretRefs = new Map<string, SecretRefPlan>();
  private readonly volumeErrorsSeen = new Set<string>();
  /** Bind-mounted project files and folders already shipped, by absolute path. */
  private readonly shipped = new Map<string, ShippedFiles>();
  readonly secretRules: SecretRules;

  constructor(project: ComposeProject, labels: Readonly<Record<string, string>>, warnings: Diagnostic[], errors: Diagnostic[], options: StorageOptions = {}) {
    this.project = project;
    this.files = options.files ?? NODE_FILES;
    this.env = options.env ?? {};
    this.labels = labels;
    this.warnings = warnings;
    this.errors = errors;
    this.top = quietly(() => readTopLevelXK8s(project), {}); // reported by the x-k8s stage
    this.secretRules = readSecretRules(project).rules; // problems reported by the planner
  }

  locate(path: string): SourceLocation | undefined {
    return this.project.sourceMap.nearest(path);
  }

  /** A warning at `path`; the same one twice (a config used by two services) is reported once. */
  warn(message: string, path: string, hint?: string): void {
    if (this.once(`w|${path}|${message}`)) this.warnings.push(warning(message, { path, location: this.locate(path), ...(hint ? { hint } : {}) }));
  }

  /** An error at `path`, reported once. */
  fail(message: string, path: string, hint?: string): void {
    if (this.once(`e|${path}|${message}`)) this.errors.push(error(message, { path, location: this.locate(path), ...(hint ? { hint } : {}) }));
  }

  private readonly reported = new Set<string>();

  private once(id: string): boolean {
    if (this.reported.has(id)) return false;
    this.reported.add(id);
    return true;
  }

  /**
   * Register a ConfigMap for `source` (a path or `config:<name>`): the same source shares one
   * ConfigMap; another source wanting the same name gets `-2`, `-3`, ...
   */
  addConfigMap(name: string, source: string, build: () => ConfigData | undefined, annotations: Record<string, string> = {}): ConfigMapEntry | undefined {
    let candidate = name;
    for (let n = 2; ; n++) {
      const existing = this.configMaps.get(candidate);
      if (!existing) break;
      if (existing.source === source) return existing;
      candidate = toDns1035(`${name}-${n}`);
    }
    const data = build();
    if (!data) return undefined;
    const entry: ConfigMapEntry = {
      plan: {
        name: candidate,
        labels: { ...this.labels },
        annotations,
        data: data.data,
        ...(Object.keys(data.binaryData).length ? { binaryData: data.binaryData } : {}),
      },
      source,
      items: data.items,
      executable: data.executable,
      keys: [...Object.keys(data.data), ...Object.keys(data.binaryData)].sort(compareStrings),
    };
    this.configMaps.set(candidate, entry);
    return entry;
  }

  /** Pod volumes and mounts of one service (named volumes, binds, tmpfs, shm_size, configs, secrets). */
  planService(service: ComposeService): ServiceVolumesPlan {
    const volumes = new Map<string, PodVolumePlan>();
    const mounts: VolumeMountPlan[] = [];
    const claims = new Set<string>();
    let recreate = false;
    const base = `services.${service.name}`;
    const xk8s = quietly(() => readServiceXK8s(this.project, service.name, this.top), {} as ServiceXK8s);
    let anonymous = 0;
    let tmpfs = 0;
    let hostPaths = 0;

    const addVolume = (v: PodVolumePlan): void => {
      const existing = volumes.get(v.name);
      if (!existing) volumes.set(v.name, v);
      else if (JSON.stringify(existing) !== JSON.stringify(v)) {
        this.fail(`two different pod volumes are both named "${v.name}"`, base, 'rename the Compose volume, config or secret that leads to it');
      }
    };

    const mountOne = (m: VolumeMount, path: string): void => {
      switch (m.type) {
        case 'volume': {
          if (!m.source) {
            const name = `anon-${anonymous++}`;
            addVolume({ name, emptyDir: {} });
            mounts.push({ name, mountPath: m.target, readOnly: m.readOnly, ...(m.subpath ? { subPath: m.subpath } : {}) });
            return;
          }
          const claim = claimName(this.project, m.source);
          // The mount's own `volume.subpath` wins over the service-wide x-k8s.volumeSubPath (kompose.volume.subpath).
          const subPath = m.subpath ?? xk8s.volumeSubPath;
          if (xk8s.volumeType === 'emptyDir' && !this.project.volumes[m.source]?.external) {
            // x-k8s.volumeType: emptyDir (kompose.volume.type): scratch space of the pod, no claim.
            addVolume({ name: claim, emptyDir: {} });
            mounts.push({ name: claim, mountPath: m.target, readOnly: m.readOnly, ...(subPath ? { subPath } : {}) });
            this.warn(`named volume ${m.source} becomes an emptyDir (x-k8s.volumeType: emptyDir): its data is lost whenever the pod is replaced, which a Compose volume never does`, path,
              'leave volumeType out (or persistentVolumeClaim) to keep the data on a claim');
            return;
          }
          addVolume({ name: claim, claimName: claim, readOnly: false });
          mounts.push({ name: claim, mountPath: m.target, readOnly: m.readOnly, ...(subPath ? { subPath } : {}) });
          recreate = true;
          if (!this.project.volumes[m.source]?.external) {
            claims.add(m.source);
            const users = this.namedUsers.get(m.source) ?? [];
            if (!users.includes(service.name)) users.push(service.name);
            this.namedUsers.set(m.source, users);
          }
          return;
        }
        case 'tmpfs': {
          const name = `tmpfs-${tmpfs++}`;
          addVolume({ name, emptyDir: { medium: 'Memory', ...(m.tmpfsSize ? { sizeLimitMiB: Math.ceil(m.tmpfsSize / MiB) } : {}) } });
          mounts.push({ name, mountPath: m.target, readOnly: false });
          return;
        }
        case 'bind': {
          const r = this.planBind(service, m, path, xk8s.allowHostPath === true, () => `host-${hostPaths++}`);
          if (!r) return;
          addVolume(r.volume);
          mounts.push(r.mount);
          if ('claimName' in r.volume) recreate = true;
          return;
        }
        default:
          this.warn(`${m.type} mount ${m.sourceAsWritten ?? m.source ?? ''}:${m.target} is not converted: a cluster node has no such source`, path,
            'use a named volume, or a Compose config for configuration files');
      }
    };
    const skipped = devSourceMounts(this.project, service.volumes);
    for (const [i, why] of skipped) this.warn(why.message, `${base}.volumes[${i}]`, why.hint);
    service.volumes.forEach((m, i) => {
      if (!skipped.has(i)) mountOne(m, `${base}.volumes[${i}]`);
    });
    service.tmpfs.forEach((t, i) => mountOne({ type: 'tmpfs', target: t.target, readOnly: false, tmpfsSize: t.size }, `${base}.tmpfs[${i}]`));
    if (service.shmSize !== undefined && service.shmSize > 0) {
      addVolume({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimitMiB: Math.ceil(service.shmSize / MiB) } });
      mounts.push({ name: 'dshm', mountPath: '/dev/shm', readOnly: false });
    }

    const configs = planServiceConfigs(this, service);
    const secrets = planServiceSecrets(this, service);
    for (const part of [configs, secrets]) {
      part.volumes.forEach(addVolume);
      mounts.push(...part.mounts);
    }

    const seenTargets = new Map<string, number>();
    mounts.forEach((m, i) => {
      if (seenTargets.has(m.mountPath)) {
        this.fail(`two mounts share the target ${m.mountPath}`, base, 'Kubernetes rejects a pod with two mounts at one path; keep one');
      }
      seenTargets.set(m.mountPath, i);
    });

    return {
      volumes: [...volumes.values()].sort((a, b) => compareStrings(a.name, b.name)),
      mounts,
      claims: [...claims].sort(compareStrings),
      recreate,
    };
  }

  private planBind(
    service: ComposeService, m: VolumeMount, path: string, allowHostPath: boolean, hostName: () => string,
  ): { volume: PodVolumePlan; mount: VolumeMountPlan } | undefined {
    const written = m.sourceAsWritten ?? m.source ?? '';
    const source = classifyBind(this.project, m);
    if (source.kind === 'host') {
      const host = classifyHostPath(source.abs, written);
      if (allowHostPath) {
        this.warn(`host path ${written} is mounted from whichever node runs the pod (allowed by x-k8s.allowHostPath): ${host.reason}`, path);
        const name = hostName();
        return { volume: { name, hostPath: { path: source.abs } }, mount: { name, mountPath: m.target, readOnly: m.readOnly } };
      }
      if (host.class === 'timezone') {
        const tz = service.environment.TZ;
        this.warn(`the mount of ${written} is left out: ${host.reason}`, path,
          typeof tz === 'string' && tz !== '' ? `TZ in environment sets the time zone the container uses` : 'to keep the Docker host\'s time zone, set it in environment, e.g. TZ: Europe/Berlin (the Compose file does not say which zone the host has)');
        return undefined;
      }
      if (host.class === 'data') return this.claimFolder(service, m, path, hostClaimName(written), written, source.abs, written, 'host');
      // engine and node paths: the service is left out before planning (left-out.ts); a file is refused.
      this.fail(`service ${service.name} bind-mounts the host path ${written} at ${m.target}, which is refused: ${host.reason}`, path,
        host.class === 'file'
          ? `put the file in the project and mount it with a relative path (./${written.split(/[\\/]/).pop()}), or declare it as a Compose config; if the pod truly needs the node's ${source.abs}, set services.${service.name}.x-k8s.allowHostPath: true`
          : `leave the service out with services.${service.name}.x-k8s.exclude: true, or set x-k8s.allowHostPath: true if the pod truly needs the node's ${source.abs}`);
      return undefined;
    }

    const info = this.files.stat(source.abs);
    if (info && info.type !== 'file' && info.type !== 'dir') {
      this.fail(`bind mount source ${written} is neither a file nor a folder`, path, 'mount a file or a folder of the project');
      return undefined;
    }
    // A writable folder with files (and small enough) is configuration: shipped read-only, like `:ro`.
    const folder = info?.type === 'dir' && !m.readOnly ? this.folderState(source.abs) : undefined;
    if (info && (info.type === 'file' || m.readOnly || folder === 'content')) {
      const shipped = this.shipProjectFiles(source.rel, source.abs, info.type === 'file', path, service.name);
      if (!shipped) return undefined;
      if (!m.readOnly) {
        this.warn(`${written} is mounted read-only at ${m.target} from ${shipped.kind} ${shipped.name}: files shipped with the project cannot be written in the cluster`, path,
          `if the container writes there, mount a named volume at ${m.target} instead${info.type === 'dir' ? ' (an empty folder would become a PersistentVolumeClaim)' : ''}`);
      }
      return {
        volume: shipped.volume,
        mount: { name: shipped.volume.name, mountPath: m.target, readOnly: true, ...(info.type === 'file' ? { subPath: shipped.keys[0] } : {}) },
      };
    }

    // A writable project folder that is empty, missing (Compose would create it) or too large to
    // ship: where the container keeps data, so a claim.
    return this.claimFolder(service, m, path, bindClaimName(source.rel), written, source.abs, source.rel, folder === 'too-large' ? 'too-large' : info ? 'empty' : 'missing');
  }

  /**
   * A folder used for data as a PersistentVolumeClaim, shared by every mount of the same folder and
   * planned like a named volume's claim (finish()): project folders (`bind-<path>`) and host
   * folders (`host-<path>`). `why` picks the warning.
   */
  private claimFolder(
    service: ComposeService, m: VolumeMount, path: string, claim: string, written: string, abs: string, rel: string, why: 'host' | 'too-large' | 'empty' | 'missing',
  ): { volume: PodVolumePlan; mount: VolumeMountPlan } | undefined {
    const known = this.bindClaims.get(claim);
    if (known && known.abs !== abs) {
      this.fail(`bind mounts ${known.rel} and ${rel} both become the claim "${claim}"`, path, 'rename one of the folders, or use named volumes');
      return undefined;
    }
    this.bindClaims.set(claim, { rel, abs, users: [...new Set([...(known?.users ?? []), service.name])] });
    if (why === 'host') {
      this.warn(`host folder ${written} (mounted at ${m.target}) becomes PersistentVolumeClaim ${claim}, which starts empty: the data in ${written} on the Docker host must be migrated into it`, path,
        `copy the data in before the first start (e.g. kubectl cp, or a Job that restores a backup); use a named volume to say the data lives in the cluster, or x-k8s.allowHostPath: true to mount the node's folder instead`);
    } else if (why === 'too-large') {
      this.warn(`writable bind mount ${written}:${m.target} becomes PersistentVolumeClaim ${claim}, which starts empty: the folder holds more than a ConfigMap can (1 MiB), so its files are not copied into the cluster`, path,
        `if the image already contains these files, leave the mount out of the cluster (a Compose override file that is not converted); if it is data, use a named volume`);
    } else {
      this.warn(`writable bind mount ${written}:${m.target} becomes PersistentVolumeClaim ${claim}: the folder is empty${why === 'missing' ? ' (missing)' : ''} here, so it is taken for a data folder that lives in the cluster`, path,
        'use a named volume to say so and silence this warning');
    }
    return { volume: { name: claim, claimName: claim, readOnly: false }, mount: { name: claim, mountPath: m.target, readOnly: why === 'host' ? m.readOnly : false } };
  }

  /** Whether a folder holds files worth shipping (placeholders such as .gitkeep do not count), within 1 MiB. */
  private folderState(abs: string): 'empty' | 'content' | 'too-large' {
    const read = readFolder(this.files, abs, CONFIGMAP_LIMIT_BYTES);
    if (!read.ok) return read.reason === 'too-large' ? 'too-large' : 'content';
    return read.files.some((f) => !PLACEHOLDERS.has(f.rel.split('/').pop() ?? '')) ? 'content' : 'empty';
  }

  /** Content and mode of one project file for a ConfigMap, or undefined after an error (reported). */
  fileConfigMapData(abs: string, path: string, shown = abs): { content: Buffer; mode: number } | undefined {
    const info = this.files.stat(abs);
    if (!info || info.type !== 'file') {
      this.fail(`file ${shown} does not exist`, path, 'create it or fix the path');
      return undefined;
    }
    if (info.size > CONFIGMAP_LIMIT_BYTES) {
      this.fail(`${shown} is ${formatBytes(info.size)}, more than the 1 MiB a ConfigMap can hold`, path,
        'copy the file into the image (COPY in the Dockerfile), or keep it in a named volume');
      return undefined;
    }
    return { content: this.files.readFile(abs), mode: info.mode };
  }

  /**
   * A bind-mounted project file or folder as a ConfigMap, or, when some file looks like it holds
   * credentials (looksSecretFile), as a reference to a Secret that `compose-cdk8s secrets` creates
   * from the same files. Shared by every mount of the same source. Undefined after an error.
   */
  private shipProjectFiles(rel: string, abs: string, isFile: boolean, path: string, serviceName: string): ShippedFiles | undefined {
    const known = this.shipped.get(abs);
    if (known) {
      if (known.kind === 'Secret') this.addSecretUser(known.name, serviceName);
      return known;
    }
    let files: { rel: string; abs: string; content: Buffer; mode: number }[];
    if (isFile) {
      const file = this.fileConfigMapData(abs, path, rel);
      if (!file) return undefined;
      files = [{ rel: baseName(abs), abs, ...file }];
    } else {
      const read = readFolder(this.files, abs, CONFIGMAP_LIMIT_BYTES);
      if (!read.ok) {
        if (read.reason === 'too-large') {
          this.fail(`folder ${rel} holds more than the 1 MiB a ConfigMap can hold (${formatBytes(read.bytes)} read before stopping)`, path,
            'copy the folder into the image (COPY in the Dockerfile), or keep it in a named volume');
        } else {
          this.fail(`cannot read ${read.file} to ship folder ${rel}`, path);
        }
        return undefined;
      }
      files = read.files.map((f) => ({ ...f, abs: `${abs}/${f.rel}` }));
    }
    const data = configData(files);
    if (data.bytes > CONFIGMAP_LIMIT_BYTES) {
      this.fail(`${isFile ? '' : 'folder '}${rel} needs ${formatBytes(data.bytes)} in a ConfigMap, more than the 1 MiB it can hold`, path,
        'copy it into the image (COPY in the Dockerfile), or keep it in a named volume');
      return undefined;
    }
    const mode = data.executable ? { defaultMode: 0o755 } : {};
    const items = isFile ? [] : data.items;
    const credentials = files.filter((f) => looksSecretFile(f.rel, f.content, this.secretRules));
    let shipped: ShippedFiles;
    if (credentials.length === 0) {
      const cm = this.addConfigMap(bindConfigMapName(rel), abs, () => data, { [ANNOTATION_BIND_SOURCE]: rel });
      if (!cm) return undefined;
      shipped = { kind: 'ConfigMap', name: cm.plan.name, keys: cm.keys, volume: { name: cm.plan.name, configMap: cm.plan.name, ...(items.length ? { items } : {}), ...mode } };
    } else {
      const name = bindConfigMapName(rel);
      if (this.secretRefs.has(name)) {
        this.fail(`${rel} and another source both become the Secret "${name}"`, path, 'rename one of them');
        return undefined;
      }
      const origin = data.pairs.map((p, i) => ({ key: p.key, from: 'secret_file' as const, file: files[i].abs }));
      this.secretRefs.set(name, { name, keys: origin.map((o) => o.key).sort(compareStrings), usedBy: [serviceName], origin: [...origin].sort((a, b) => compareStrings(a.key, b.key)) });
      this.warn(`${rel} looks like it holds credentials (${credentials[0].rel}): it is mounted from Secret ${name}, which the manifests never contain`, path,
        'create the Secret with `compose-cdk8s secrets`; better, declare it as a Compose secret');
      shipped = { kind: 'Secret', name, keys: data.pairs.map((p) => p.key), volume: { name, secret: name, ...(items.length ? { items } : {}), ...mode } };
    }
    this.shipped.set(abs, shipped);
    return shipped;
  }

  private addSecretUser(name: string, serviceName: string): void {
    const ref = this.secretRefs.get(name);
    if (ref && !ref.usedBy.includes(serviceName)) this.secretRefs.set(name, { ...ref, usedBy: [...ref.usedBy, serviceName].sort(compareStrings) });
  }

  finish(): ProjectStoragePlan {
    const volumeClaims: VolumeClaimPlan[] = [];
    const volumeNames = Object.keys(this.project.volumes);
    for (const volume of [...this.namedUsers.keys()].sort(compareStrings)) {
      const users = this.namedUsers.get(volume)!.sort(compareStrings);
      const name = claimName(this.project, volume);
      // Several services (or replicas) on one claim are kept on one node by claim-sharing.ts.
      const settings = this.claimSettings(volume, users);
      volumeClaims.push({
        name,
        composeName: volume,
        storageClassName: settings.storageClass,
        sizeGiB: settings.sizeGiB,
        accessModes: ['ReadWriteOnce'],
        labels: { ...this.labels },
        annotations: name !== volume ? { [ANNOTATION_COMPOSE_VOLUME]: volume } : {},
      });
    }
    // Settings of declared volumes nobody mounts are still checked, so typos do not hide.
    for (const volume of volumeNames.sort(compareStrings)) {
      if (this.namedUsers.has(volume)) continue;
      const own = this.volumeXK8s(volume);
      if (this.project.volumes[volume].external && (own.size !== undefined || own.storageClass !== undefined)) {
        this.warn(`x-k8s size and storageClass of external volume ${volume} are ignored: the claim exists already`, `volumes.${volume}.x-k8s`);
      }
    }
    for (const [name, c] of [...this.bindClaims.entries()].sort(([a], [b]) => compareStrings(a, b))) {
      volumeClaims.push({
        name,
        composeName: name,
        storageClassName: this.top.storageClass ?? DEFAULT_STORAGE_CLASS,
        sizeGiB: DEFAULT_VOLUME_SIZE_GIB,
        accessModes: ['ReadWriteOnce'],
        labels: { ...this.labels },
        annotations: { [ANNOTATION_BIND_SOURCE]: c.rel },
      });
    }
    const claimNames = new Map<string, string>();
    for (const c of volumeClaims) {
      const other = claimNames.get(c.name);
      if (other !== undefined) {
        this.fail(`volumes ${other} and ${c.composeName} both become the claim "${c.name}"`, `volumes.${c.composeName}`, 'rename one of them');
      }
      claimNames.set(c.name, c.composeName);
    }
    const configMaps = [...this.configMaps.values()].sort((a, b) => compareStrings(a.plan.name, b.plan.name));
    return {
      volumeClaims: volumeClaims.sort((a, b) => compareStrings(a.name, b.name)),
      configMaps: configMaps.map((c) => c.plan),
      configMapSources: configMaps,
      secretRefs: [...this.secretRefs.values()].sort((a, b) => compareStrings(a.name, b.name)),
    };
  }

  private volumeXK8s(volume: string): { size?: string; storageClass?: string } {
    try {
      return readVolumeXK8s(this.project, volume);
    } catch (e) {
      if (!(e instanceof ComposeError)) throw e;
      if (!this.volumeErrorsSeen.has(volume)) {
        this.volumeErrorsSeen.add(volume);
        this.errors.push(...e.diagnostics);
      }
      return {};
    }
  }

  /** Size and class of a named volume's claim: the volume's x-k8s, else its services' x-k8s, else the top level, else defaults. */
  private claimSettings(volume: string, users: readonly string[]): { storageClass: string; sizeGiB: number } {
    const own = this.volumeXK8s(volume);
    const path = `volumes.${volume}.x-k8s`;
    const fromServices = (key: 'volumeSize' | 'storageClass'): string | undefined => {
      const asked = new Map<string, string>();
      for (const u of users) {
        const v = quietly(() => readServiceXK8s(this.project, u, this.top), {} as ServiceXK8s)[key];
        if (v !== undefined) asked.set(u, String(v));
      }
      const values = [...new Set(asked.values())];
      if (values.length > 1) {
        this.fail(`services ${[...asked.keys()].join(', ')} ask for different ${key} values (${values.join(', ')}) for the shared volume ${volume}`, `volumes.${volume}`,
          `set volumes.${volume}.x-k8s.${key === 'volumeSize' ? 'size' : 'storageClass'} once`);
      }
      return values[0];
    };
    const storageClass = own.storageClass ?? fromServices('storageClass') ?? this.top.storageClass ?? DEFAULT_STORAGE_CLASS;
    const size = own.size ?? fromServices('volumeSize');
    let sizeGiB = DEFAULT_VOLUME_SIZE_GIB;
    if (size !== undefined) {
      const bytes = quantityBytes(size);
      const at = own.size !== undefined ? `${path}.size` : `volumes.${volume}`;
      if (bytes === undefined || bytes <= 0) {
        this.fail(`size "${size}" is not a storage size`, at, 'write a Kubernetes quantity such as 10Gi');
      } else {
        sizeGiB = Math.max(1, Math.ceil(bytes / GiB));
        if (sizeGiB * GiB !== bytes) {
          this.warn(`size ${size} of volume ${volume} is rounded up to ${sizeGiB}Gi: DigitalOcean block storage comes in whole GiB (at least 1Gi)`, at);
        }
      }
    }
    return { storageClass, sizeGiB };
  }
}

/**
 * The development mount pattern: a project folder bind-mounted over the image's code
 * (`./web:/usr/src/app`) plus a volume inside it (`/usr/src/app/node_modules`) that keeps the
 * image's dependencies visible. In the cluster the image already holds the code, and a ConfigMap
 * of the folder with a volume inside it cannot start (a read-only mount holding a mount point).
 * The source mount and anonymous volumes inside it are left out; a named volume inside keeps its
 * data and stays. Index → warning.
 */
export function devSourceMounts(project: ComposeProject, mounts: readonly VolumeMount[]): Map<number, { message: string; hint: string }> {
  const out = new Map<number, { message: string; hint: string }>();
  const inside = (target: string, parent: string): boolean => target.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
  mounts.forEach((m, i) => {
    if (m.type !== 'bind' || classifyBind(project, m).kind !== 'project') return;
    // Named volumes inside (`node_modules:/usr/src/app/node_modules`) keep their data and stay; anonymous ones go.
    const deps = mounts.map((d, j) => [d, j] as const).filter(([d]) => d.type === 'volume' && inside(d.target, m.target));
    if (deps.length === 0) return;
    const written = m.sourceAsWritten ?? m.source ?? '';
    const hint = 'build the code into the image (COPY in the Dockerfile) and keep the mounts for local development in a Compose override file';
    out.set(i, {
      message: `the source mount ${written}:${m.target} is left out: with the volume${deps.length > 1 ? 's' : ''} ${deps.map(([d]) => d.target).join(', ')} inside it, it is a development mount of code the image must already contain`,
      hint,
    });
    for (const [d, j] of deps.filter(([d]) => !d.source)) {
      out.set(j, { message: `the volume at ${d.target} is left out with the source mount ${written}:${m.target} around it: the image's own ${d.target} is used`, hint });
    }
  });
  return out;
}

/** Files that only keep an empty folder in git. */
const PLACEHOLDERS = new Set(['.gitkeep', '.keep', '.gitignore', '.placeholder', '.empty']);

function baseName(abs: string): string {
  const parts = abs.split(/[\\/]/);
  return parts[parts.length - 1] || 'file';
}


/** Errors for objects of one kind that ended up with the same name (e.g. a config `web_env` and service web's env ConfigMap). */
export function duplicateNames(kind: string, list: readonly { readonly name: string }[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const item of list) {
    if (seen.has(item.name)) {
      out.push(error(`two ${kind}s are both named "${item.name}"`, { hint: 'rename the Compose config, secret or service that leads to it' }));
    }
    seen.add(item.name);
  }
  return out;
}
