/**
 * values.yaml (with comments) and values.schema.json, both from the same ChartValues.
 */
import * as YAML from 'yaml';
import type { ChartValues, ServiceValues } from './model';
import { YAML_OPTIONS } from './text';
import { IMAGE_TAG_PATTERN } from '../../../settings';

/** Comments for values keys; `*` stands for any service / volume name. */
const COMMENTS: Readonly<Record<string, string>> = {
  global: 'Settings shared by every service.',
  'global.image': 'Images built from this repository and pushed by CI to DigitalOcean Container Registry.',
  'global.image.registry': 'Registry (and path) every built service is pulled from.',
  'global.image.tag': 'Tag of every built service: the git sha CI pushed. One key moves them all, e.g.\n  helm upgrade <release> <chart> --reuse-values --set-string global.image.tag=<sha>\n(use --set-string: a sha made of digits only would otherwise become a number).',
  'global.imagePullSecrets': 'Pull secrets for the services pulled from the registry above: existing Secrets, as\n[{name: <secret>}] (the form every chart uses).',
  'global.nodeSelector': 'Defaults for services that set none of their own.',
  releaseInfo: 'dist/\'s release metadata: the release-info ConfigMap (git-sha: global.image.tag, each\nworkload\'s image, built images\' digests from services.<name>.image.digest) and the workloads\'\nannotations compose-cdk8s.io/git-sha, image-digest and build-run (buildRun: the CI run URL).\nThe same objects and keys as dist/; off: neither.',
  tests: '`helm test <release>`: one pod per Service checks that it answers on its first TCP port (nc -z),\nhardened to Pod Security restricted with small resources. image: any image with sh and nc.',
  prefixNames: 'Prefix every object name with the release (see fullnameOverride), so several releases share a\nnamespace: every reference follows (Services in env values and wait-* helpers, claims,\nSecrets, ConfigMaps), and selectors gain app.kubernetes.io/instance. Off: the names are dist/\'s.\nTurn it on at install time only (selectors cannot change on a running release). Host names inside\nconfig files mounted from ConfigMaps (e.g. an nginx proxy_pass) are not rewritten.',
  nameOverride: 'With prefixNames: the prefix is <release>-<nameOverride> (default: the chart name).',
  fullnameOverride: 'With prefixNames: the whole prefix (replaces <release>-<name>).',
  commonLabels: 'Extra labels on every object (the chart\'s own labels win over them).',
  commonAnnotations: 'Extra annotations on every object. When a key is set twice, the first of these wins:\nan object\'s own annotations value (service.annotations, ingress.annotations), the service\'s\nannotations, the chart\'s own (e.g. argocd.argoproj.io/sync-wave), then commonAnnotations.',
  services: 'One entry per Compose service. Secret environment values are never here: they come from\nthe Secrets named in NOTES.txt, created outside the chart.',
  'global.tolerations': 'Default tolerations for services that set none of their own.',
  'global.affinity': 'Default affinity, per kind: its nodeAffinity, podAffinity and podAntiAffinity apply to the\nservices whose affinity (and claim co-location) has none of that kind.',
  'releaseInfo.enabled': 'Render the release-info ConfigMap and the release annotations.',
  'releaseInfo.buildRun': 'URL of the CI run that built the images (build-run key and annotation).',
  'tests.enabled': 'Render the helm test pods.',
  'tests.image': 'Image of the helm test pods (needs sh and nc).',
  'services.*.replicas': 'Pod count (ignored while autoscaling is enabled).',
  'services.*.image.repository': 'Image repository (built services: the name under global.image.registry).',
  'services.*.image.tag': 'Image tag (built services: empty means global.image.tag).',
  'services.*.image.digest': 'Image digest (sha256:...): wins over the tag.',
  'services.*.image.pullPolicy': 'imagePullPolicy (empty: Kubernetes decides).',
  'services.*.ingress.enabled': 'Render the Ingress.',
  'services.*.ingress.className': 'ingressClassName (empty: the cluster default).',
  'services.*.ingress.hosts': 'Hosts and paths routed to the Service.',
  'services.*.ingress.tls': 'TLS: secretName and hosts.',
  'services.*.ingress.port': 'Service port the Ingress targets (an HTTP port).',
  'services.*.autoscaling.enabled': 'Render the HorizontalPodAutoscaler.',
  'services.*.tolerations': 'Pod tolerations; empty falls back to global.tolerations.',
  'services.*.affinity': 'Pod affinity, merged per kind: a nodeAffinity, podAffinity or podAntiAffinity set here\nreplaces only that kind of the claim co-location and of global.affinity (the others stay).\nHolds dist/\'s affinity (deploy.placement, pods sharing a claim): null removes a kind of it;\n{} leaves out the co-location the chart adds while replicas > 1.',
  'services.*.labels': 'Extra labels on this service\'s objects (the chart\'s own win).',
  'services.*.podAnnotations': 'Extra annotations on this service\'s pods.',
  'services.*.podLabels': 'Extra labels on this service\'s pods (the selector labels win).',
  'persistence.*.size': 'Requested size of the claim.',
  'persistence.*.storageClass': 'StorageClass of the claim.',
  'persistence.*.existingClaim': 'Use this existing claim instead (the chart then makes none).',
  'services.*.image': 'Built services: repository under global.image.registry; an empty tag means global.image.tag.\nA digest (sha256:...) pins the image and wins over the tag; an empty pullPolicy leaves it to Kubernetes.',
  'services.*.imagePullSecrets': 'Pull secrets for this service only, as [{name: <secret>}] (empty: the global ones where the\nregistry needs them).',
  'services.*.resources': 'Container resources, as in a Kubernetes container spec (limits / requests).',
  'services.*.env': 'Non-secret environment values (from `environment` and `env_file`). Any key adds or overrides\na variable; the names of the variables read from Secrets are refused (set those in the Secret).',
  'services.*.service': 'The Service in front of the pods (ClusterIP, NodePort or LoadBalancer).',
  'services.*.publicService': 'The second Service carrying the published ports outside the cluster.',
  'services.*.ingress': 'An Ingress to the Service (off by default); port is the Service port it targets. Offered\nfor HTTP services only (not for raw TCP such as postgres or redis).',
  'services.*.autoscaling': 'A HorizontalPodAutoscaler on average CPU use, as a percentage of resources.requests.cpu\n(targetCPUUtilizationPercentage), and on memory where x-k8s.autoscaling.memory set\ntargetMemoryUtilizationPercentage (of resources.requests.memory). On where dist/ has one, else\noff. Every service has requests (dist/\'s decided defaults where Compose sets none): keep them\nwhen you override resources. Not offered for services on a ReadWriteOnce claim (several pods\nwould write one volume).',
  'services.*.nodeSelector': 'Pod scheduling; empty falls back to the global settings.',
  'services.*.annotations': 'Extra annotations and labels on this service\'s objects, and on its pods.',
  persistence: 'One entry per named Compose volume (PersistentVolumeClaim): size and storage class, or\nexistingClaim: the name of a claim made outside the chart (then the chart makes none and mounts that one).',
  networkPolicies: 'NetworkPolicies from the Compose networks (none when the Compose file declares no networks).',
  'networkPolicies.enabled': 'false: render no NetworkPolicy at all (every pod accepts traffic from anywhere).\nWhile true, a service whose values expose it (service.type LoadBalancer or NodePort, an\nenabled ingress, a publicService) gets <name>-public, opening exactly those pod ports to any\nsource (load balancer traffic comes from outside the cluster, an ingress controller\'s from its\nown namespace); DOKS runs Cilium, which enforces policies.',
};

/** The values.yaml comment of a key, if it has one of its own. */
export function comment(path: readonly string[]): string | undefined {
  const exact = COMMENTS[path.join('.')];
  if (exact) return exact;
  if (path.length >= 3 && (path[0] === 'services' || path[0] === 'persistence')) return COMMENTS[[path[0], '*', ...path.slice(2)].join('.')];
  return undefined;
}

/** values.yaml text: the values with a comment above each key a user turns. */
export function valuesYaml(values: ChartValues): string {
  const doc = new YAML.Document(values, { version: YAML_OPTIONS.version });
  const walk = (node: unknown, path: string[]): void => {
    if (!YAML.isMap(node)) return;
    for (const pair of node.items) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = [...path, key];
      const text = comment(p);
      if (text && YAML.isScalar(pair.key)) pair.key.commentBefore = text.split('\n').map((l) => ` ${l}`).join('\n');
      walk(pair.value, p);
    }
  };
  walk(doc.contents, []);
  doc.commentBefore = ' Default values: with these the chart renders the manifests in dist/ (plus Helm\'s standard labels;\n the Namespace is left to helm install --create-namespace).';
  return doc.toString({ lineWidth: YAML_OPTIONS.lineWidth });
}

type Schema = Record<string, unknown>;

const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const quantity: Schema = { type: ['string', 'number'], pattern: '^[0-9.]+([eE][-+]?[0-9]+|[a-zA-Z]{0,2})$' };
const resourceList: Schema = { type: 'object', additionalProperties: quantity };
const TAG = IMAGE_TAG_PATTERN;
const pullSecrets: Schema = { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } };
/** A C identifier-ish environment variable name, as Kubernetes accepts them. */
const ENV_NAME = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';

function object(properties: Record<string, Schema>, required = Object.keys(properties)): Schema {
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required } : {}), properties };
}

/** What the schema needs besides the default values, per service. */
export interface ServiceFacts {
  /** Variables read from Secrets / ConfigMap keys: not settable as values. */
  readonly valueFromEnv: readonly string[];
  /** Service ports an Ingress may target (HTTP). */
  readonly httpPorts: readonly number[];
}

function serviceSchema(s: ServiceValues, facts: ServiceFacts | undefined): Schema {
  const secretEnv = facts?.valueFromEnv ?? [];
  const p: Record<string, Schema> = {};
  if (s.replicas !== undefined) p.replicas = { type: 'integer', minimum: 0 };
  p.image = object({
    repository: { type: 'string', minLength: 1 },
    tag: { type: 'string', ...(s.image.tag === '' ? { pattern: `${TAG}|^$` } : { pattern: TAG }) },
    digest: { type: 'string', pattern: '^([a-z0-9]+:[a-f0-9]{32,})?$' },
    pullPolicy: { enum: ['IfNotPresent', 'Always', 'Never', ''] },
  });
  p.imagePullSecrets = pullSecrets;
  p.resources = { type: 'object', additionalProperties: false, properties: { limits: resourceList, requests: resourceList } };
  p.env = {
    type: 'object',
    propertyNames: { pattern: ENV_NAME, ...(secretEnv.length > 0 ? { not: { enum: secretEnv } } : {}) },
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  };
  if (s.service) p.service = object({ type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, annotations: stringMap });
  if (s.publicService) p.publicService = object({ type: { enum: ['NodePort', 'LoadBalancer'] }, annotations: stringMap });
  if (s.ingress) {
    p.ingress = object({
      enabled: { type: 'boolean' },
      className: { type: 'string' },
      annotations: stringMap,
      hosts: {
        type: 'array',
        items: object({
          host: { type: 'string' },
          paths: { type: 'array', items: object({ path: { type: 'string' }, pathType: { enum: ['Prefix', 'Exact', 'ImplementationSpecific'] } }) },
        }),
      },
      tls: { type: 'array', items: object({ secretName: { type: 'string' }, hosts: { type: 'array', items: { type: 'string' } } }, []) },
      port: facts && facts.httpPorts.length > 0 && facts.httpPorts.includes(s.ingress.port) ? { enum: [...facts.httpPorts] } : { type: 'integer', minimum: 1, maximum: 65535 },
    });
  }
  if (s.autoscaling) {
    p.autoscaling = object({
      enabled: { type: 'boolean' },
      minReplicas: { type: 'integer', minimum: 1 },
      maxReplicas: { type: 'integer', minimum: 1 },
      ...(s.autoscaling.targetCPUUtilizationPercentage !== undefined ? { targetCPUUtilizationPercentage: { type: 'integer', minimum: 1, maximum: 100 } } : {}),
      // Only where dist/'s HPA scales on memory too (x-k8s.autoscaling.memory).
      ...(s.autoscaling.targetMemoryUtilizationPercentage !== undefined ? { targetMemoryUtilizationPercentage: { type: 'integer', minimum: 1, maximum: 1000 } } : {}),
    });
  } else if (s.replicas !== undefined) {
    // Not offered (a ReadWriteOnce claim): the templates explain why with a fail message.
    p.autoscaling = { type: 'object' };
  }
  p.nodeSelector = stringMap;
  p.tolerations = { type: 'array', items: { type: 'object' } };
  p.affinity = { type: 'object' };
  p.annotations = stringMap;
  p.labels = stringMap;
  p.podAnnotations = stringMap;
  p.podLabels = stringMap;
  return object(p, Object.keys(p).filter((k) => ['replicas', 'image', 'env', 'service', 'publicService', 'ingress', 'autoscaling'].includes(k) && (s as unknown as Record<string, unknown>)[k] !== undefined));
}

/** values.schema.json (JSON Schema draft-07), checked by `helm lint / template / install`. */
export function valuesSchema(values: ChartValues, facts: Readonly<Record<string, ServiceFacts>> = {}): Schema {
  const services: Record<string, Schema> = {};
  for (const [k, s] of Object.entries(values.services)) services[k] = serviceSchema(s, facts[k]);
  const persistence: Record<string, Schema> = {};
  for (const k of Object.keys(values.persistence)) {
    persistence[k] = object({
      size: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?([EPTGMK]i?)?$' },
      storageClass: { type: 'string' },
      existingClaim: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)?$' },
    }, ['size', 'storageClass']);
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: ['global', 'services', 'prefixNames'],
    // The overrides only shape the prefix: refused while prefixNames is off (they would change nothing).
    allOf: [{
      if: { properties: { prefixNames: { const: false } } },
      then: { properties: { nameOverride: { const: '' }, fullnameOverride: { const: '' } } },
    }],
    properties: {
      global: {
        type: 'object',
        required: ['image'],
        properties: {
          image: object({ registry: { type: 'string', minLength: 1 }, tag: { type: 'string', pattern: values.global.image.tag === '' ? `${TAG}|^$` : TAG } }),
          imagePullSecrets: pullSecrets,
          nodeSelector: stringMap,
          tolerations: { type: 'array', items: { type: 'object' } },
          affinity: { type: 'object' },
        },
      },
      releaseInfo: object({ enabled: { type: 'boolean' }, buildRun: { type: 'string', pattern: '^(https://[^\\s]+)?$' } }),
      tests: object({ enabled: { type: 'boolean' }, image: { type: 'string', minLength: 1 } }),
      prefixNames: { type: 'boolean' },
      nameOverride: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', maxLength: 40 },
      fullnameOverride: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', maxLength: 40 },
      commonLabels: stringMap,
      commonAnnotations: stringMap,
      services: object(services),
      persistence: object(persistence),
      networkPolicies: object({ enabled: { type: 'boolean' } }),
    },
  };
}
