/**
 * values.yaml (with comments) and values.schema.json, both from the same ChartValues.
 */
import * as YAML from 'yaml';
import type { ChartValues, ServiceValues } from './model';
import { YAML_OPTIONS } from './text';

/** Comments for values keys; `*` stands for any service / volume name. */
const COMMENTS: Readonly<Record<string, string>> = {
  global: 'Settings shared by every service.',
  'global.image': 'Images built from this repository and pushed by CI to DigitalOcean Container Registry.',
  'global.image.registry': 'Registry (and path) every built service is pulled from.',
  'global.image.tag': 'Tag of every built service: the git sha CI pushed. One key moves them all, e.g.\n  helm upgrade <release> <chart> --reuse-values --set-string global.image.tag=<sha>\n(use --set-string: a sha made of digits only would otherwise become a number).',
  'global.imagePullSecrets': 'Pull secrets (existing Secret names) for the services pulled from the registry above.',
  'global.nodeSelector': 'Defaults for services that set none of their own.',
  commonLabels: 'Extra labels on every object.',
  commonAnnotations: 'Extra annotations on every object.',
  services: 'One entry per Compose service. Secret environment values are never here: they come from\nthe Secrets named in NOTES.txt, created outside the chart.',
  'services.*.replicas': 'Pod count (ignored while autoscaling is enabled).',
  'services.*.image': 'Built services: repository under global.image.registry; an empty tag means global.image.tag.',
  'services.*.imagePullSecrets': 'Pull secrets for this service only (empty: the global ones where the registry needs them).',
  'services.*.resources': 'Container resources, as in a Kubernetes container spec (limits / requests).',
  'services.*.env': 'Non-secret environment values (from `environment` and `env_file`).',
  'services.*.service': 'The Service in front of the pods (ClusterIP, NodePort or LoadBalancer).',
  'services.*.publicService': 'The second Service carrying the published ports outside the cluster.',
  'services.*.ingress': 'An Ingress to the Service (off by default); port is the Service port it targets.',
  'services.*.autoscaling': 'A HorizontalPodAutoscaler on CPU (off by default; needs resources.requests.cpu).',
  'services.*.nodeSelector': 'Pod scheduling; empty falls back to the global settings.',
  'services.*.annotations': 'Extra annotations and labels on this service\'s objects, and on its pods.',
  persistence: 'One entry per named Compose volume (PersistentVolumeClaim): size and storage class.',
  networkPolicies: 'NetworkPolicies from the Compose networks (none when the Compose file declares no networks).',
  'networkPolicies.enabled': 'false: render no NetworkPolicy at all (every pod accepts traffic from anywhere).\nWhile true, a service whose values expose it (service.type LoadBalancer or NodePort, an\nenabled ingress, a publicService) gets <name>-public, opening exactly those pod ports to any\nsource (load balancer traffic comes from outside the cluster, an ingress controller\'s from its\nown namespace); DOKS runs Cilium, which enforces policies.',
};

function comment(path: string[]): string | undefined {
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
  doc.commentBefore = ' Default values: with these the chart renders exactly the manifests in dist/.';
  return doc.toString({ lineWidth: YAML_OPTIONS.lineWidth });
}

type Schema = Record<string, unknown>;

const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const quantity: Schema = { type: ['string', 'number'], pattern: '^[0-9.]+([eE][-+]?[0-9]+|[a-zA-Z]{0,2})$' };
const resourceList: Schema = { type: 'object', additionalProperties: quantity };
const TAG = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';

function object(properties: Record<string, Schema>, required = Object.keys(properties)): Schema {
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required } : {}), properties };
}

function serviceSchema(s: ServiceValues): Schema {
  const p: Record<string, Schema> = {};
  if (s.replicas !== undefined) p.replicas = { type: 'integer', minimum: 0 };
  p.image = object({
    repository: { type: 'string', minLength: 1 },
    tag: { type: 'string', ...(s.image.tag === '' ? { pattern: `${TAG}|^$` } : { pattern: TAG }) },
    ...(s.image.digest !== undefined ? { digest: { type: 'string', pattern: '^[a-z0-9]+:[a-f0-9]+$' } } : {}),
    pullPolicy: { enum: ['IfNotPresent', 'Always', 'Never'] },
  });
  p.imagePullSecrets = { type: 'array', items: { type: 'string', minLength: 1 } };
  p.resources = { type: 'object', additionalProperties: false, properties: { limits: resourceList, requests: resourceList } };
  p.env = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
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
      port: { type: 'integer', minimum: 1, maximum: 65535 },
    });
  }
  if (s.autoscaling) {
    p.autoscaling = object({
      enabled: { type: 'boolean' },
      minReplicas: { type: 'integer', minimum: 1 },
      maxReplicas: { type: 'integer', minimum: 1 },
      ...(s.autoscaling.targetCPUUtilizationPercentage !== undefined ? { targetCPUUtilizationPercentage: { type: 'integer', minimum: 1, maximum: 100 } } : {}),
    });
  }
  p.nodeSelector = stringMap;
  p.tolerations = { type: 'array', items: { type: 'object' } };
  p.affinity = { type: 'object' };
  p.annotations = stringMap;
  p.labels = stringMap;
  p.podAnnotations = stringMap;
  p.podLabels = stringMap;
  return object(p, Object.keys(p).filter((k) => ['replicas', 'image', 'env', 'service', 'publicService', 'ingress', 'autoscaling'].includes(k)));
}

/** values.schema.json (JSON Schema draft-07), checked by `helm lint / template / install`. */
export function valuesSchema(values: ChartValues): Schema {
  const services: Record<string, Schema> = {};
  for (const [k, s] of Object.entries(values.services)) services[k] = serviceSchema(s);
  const persistence: Record<string, Schema> = {};
  for (const k of Object.keys(values.persistence)) {
    persistence[k] = object({ size: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?([EPTGMK]i?)?$' }, storageClass: { type: 'string' } });
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: ['global', 'services'],
    properties: {
      global: {
        type: 'object',
        required: ['image'],
        properties: {
          image: object({ registry: { type: 'string', minLength: 1 }, tag: { type: 'string', pattern: values.global.image.tag === '' ? `${TAG}|^$` : TAG } }),
          imagePullSecrets: { type: 'array', items: { type: 'string', minLength: 1 } },
          nodeSelector: stringMap,
          tolerations: { type: 'array', items: { type: 'object' } },
          affinity: { type: 'object' },
        },
      },
      commonLabels: stringMap,
      commonAnnotations: stringMap,
      services: object(services),
      persistence: object(persistence),
      networkPolicies: object({ enabled: { type: 'boolean' } }),
    },
  };
}
