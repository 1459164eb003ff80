/**
 * `ports` and `expose` → container ports and a ClusterIP Service.
 *
 * Inside a Compose network, other services reach `api:8000` on the container port, whatever the
 * published host port is. The Service therefore listens on the container port, so every URL that
 * worked between Compose services keeps working. Host ports are never bound (no hostPort).
 */
import { compareStrings } from '../order';
import type { ComposeService, Protocol } from '../compose/model';
import type { ContainerPortPlan, ServicePortPlan } from './model';
import { imageRepositoryName, inferredPorts } from './image-ports';
import { isPortName } from './names';

const K8S_PROTOCOL: Readonly<Record<Protocol, ContainerPortPlan['protocol']>> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

export interface PortsPlan {
  readonly containerPorts: ContainerPortPlan[];
  readonly servicePorts: ServicePortPlan[];
  /** Set when the service declared no ports and they were taken from its (well-known) image. */
  readonly inferredFromImage?: string;
}

/** `tcp-8080`, `udp-53`: unique per (protocol, port) and always a valid IANA_SVC_NAME. */
export function defaultPortName(port: number, protocol: Protocol): string {
  return `${protocol}-${port}`;
}

export function planPorts(service: ComposeService): PortsPlan {
  const byKey = new Map<string, ContainerPortPlan>();
  const add = (port: number, protocol: Protocol, wanted?: string): void => {
    const key = `${protocol}/${port}`;
    const existing = byKey.get(key);
    const custom = wanted && isPortName(wanted) ? wanted : undefined;
    if (existing) {
      // A later long-syntax name wins over a generated one.
      if (custom && existing.name === defaultPortName(port, protocol)) byKey.set(key, { ...existing, name: custom });
      return;
    }
    byKey.set(key, { name: custom ?? defaultPortName(port, protocol), containerPort: port, protocol: K8S_PROTOCOL[protocol] });
  };
  for (const p of service.ports) add(p.target, p.protocol, p.name);
  for (const e of service.expose) add(e.port, e.protocol);
  const inferred = byKey.size === 0 && !service.build ? inferredPorts(service.image) : undefined;
  for (const e of inferred ?? []) add(e.port, e.protocol);

  // Names must be unique within the pod: fall back to the generated name on a clash.
  const seen = new Set<string>();
  const containerPorts = [...byKey.values()]
    .sort((a, b) => a.containerPort - b.containerPort || compareStrings(a.protocol, b.protocol))
    .map((p) => {
      const proto = p.protocol.toLowerCase() as Protocol;
      const name = seen.has(p.name) ? defaultPortName(p.containerPort, proto) : p.name;
      seen.add(name);
      return { ...p, name };
    });
  const servicePorts = containerPorts.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol }));
  return { containerPorts, servicePorts, ...(inferred && service.image ? { inferredFromImage: imageRepositoryName(service.image) } : {}) };
}
