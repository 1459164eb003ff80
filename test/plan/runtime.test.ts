/**
 * Runtime keys → container / pod settings, with refusals and losses reported.
 */
import { planProject } from '../../lib/plan/plan';
import { SETTINGS, project, service } from '../helpers/project';

const plan = (raw: Record<string, unknown>, over: Parameters<typeof service>[1] = {}) =>
  planProject(project([service('app', { image: 'x:1', raw: { image: 'x:1', ...raw }, ...over })]), SETTINGS);

describe('runtime keys', () => {
  it('cap_add / cap_drop (CAP_ prefix dropped), read_only, tty, stdin_open, user + group_add', () => {
    const p = plan({ cap_add: ['CAP_NET_ADMIN', 'sys_time'], cap_drop: ['ALL'], read_only: true, tty: true, stdin_open: true, group_add: ['2000', 1001, 'audio'] }, { user: '1000:1000' });
    const w = p.workloads[0];
    expect(w.container.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(w.container.tty).toBe(true);
    expect(w.container.stdin).toBe(true);
    expect(w.pod!.supplementalGroups).toEqual([1001, 2000]);
    expect(p.warnings).toEqual([
      expect.objectContaining({ path: 'services.app.group_add', message: expect.stringMatching(/group_add "audio" is not numeric/) }),
      // NET_ADMIN and SYS_TIME are outside baseline's capabilities (pod-security.ts).
      expect.objectContaining({ path: 'services.app.cap_add', message: expect.stringMatching(/NET_ADMIN, SYS_TIME is below the Pod Security "baseline" level/) }),
    ]);
    expect(p.podSecurityLevel).toBe('privileged');
  });

  it('privileged is refused unless x-k8s.allowPrivileged', () => {
    const refused = plan({ privileged: true });
    expect(refused.workloads[0].container.securityContext).toBeUndefined();
    expect(refused.decisions).toContainEqual({ path: 'services.app.privileged', status: 'refused', reason: expect.stringMatching(/refused/) });
    expect(refused.warnings[0].hint).toMatch(/allowPrivileged/);
    const allowed = plan({ privileged: true }, { extensions: { 'x-k8s': { allowPrivileged: true } } });
    expect(allowed.workloads[0].container.securityContext).toEqual({ privileged: true });
    // Kept, and the namespace must allow it (pod-security.ts).
    expect(allowed.warnings.map((w) => w.path)).toEqual(['services.app.privileged']);
  });

  it('network_mode: host refused unless opted in; service:x with no such service refused clearly', () => {
    const refused = plan({ network_mode: 'host' }, { networkMode: 'host' });
    expect(refused.workloads[0].pod).toEqual({ seccompProfile: 'RuntimeDefault' });
    expect(refused.decisions).toContainEqual(expect.objectContaining({ path: 'services.app.network_mode', status: 'refused' }));
    expect(plan({ network_mode: 'host' }, { networkMode: 'host', extensions: { 'x-k8s': { allowHostNetwork: true } } }).workloads[0].pod).toEqual({ hostNetwork: true, seccompProfile: 'RuntimeDefault' });
    // With the service there, it joins its pod (test/plan/shared-network.test.ts); without it, nothing to join.
    expect(() => plan({ network_mode: 'service:vpn' }, { networkMode: 'service:vpn' }))
      .toThrow('network_mode refers to service "vpn", which is not defined or not enabled, so there is no pod to join');
  });

  it('extra_hosts → hostAliases grouped by address (list and map forms); host-gateway refused', () => {
    const p = plan({ extra_hosts: ['a.local:10.0.0.1', 'b.local=10.0.0.1', 'v6:::1', 'v6b=[::2]', 'gw:host-gateway', '[::1]:bad'] });
    expect(p.workloads[0].pod!.hostAliases).toEqual([
      { ip: '10.0.0.1', hostnames: ['a.local', 'b.local'] },
      { ip: '::1', hostnames: ['v6'] },
      { ip: '::2', hostnames: ['v6b'] },
    ]);
    expect(p.decisions!.filter((d) => d.status === 'refused').map((d) => d.reason)).toEqual([
      'extra_hosts entry gw (host-gateway) is not converted: Kubernetes has no host-gateway address',
      'extra_hosts entry "[ :1]:bad" is left out: ":1]:bad" is not an IP address',
    ]);
    expect(plan({ extra_hosts: { 'c.local': '10.0.0.2' } }).workloads[0].pod!.hostAliases).toEqual([{ ip: '10.0.0.2', hostnames: ['c.local'] }]);
  });

  it('dns / dns_search / dns_opt → dnsConfig (added to the cluster DNS: lossy)', () => {
    const p = plan({ dns: '1.1.1.1', dns_search: ['corp.local'], dns_opt: ['ndots:2', 'edns0'] });
    expect(p.workloads[0].pod!.dnsConfig).toEqual({ nameservers: ['1.1.1.1'], searches: ['corp.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] });
    expect(p.decisions).toContainEqual(expect.objectContaining({ path: 'services.app.dns', status: 'lossy' }));
  });

  it('sysctls: the safe set kept, others refused; ulimits lost; stop_signal lost unless SIGTERM; init → shareProcessNamespace', () => {
    const p = plan({
      sysctls: { 'net.ipv4.tcp_syncookies': '1', 'net.core.somaxconn': '1024' },
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      stop_signal: 'SIGINT',
      init: true,
    });
    expect(p.workloads[0].pod).toEqual({ sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }], shareProcessNamespace: true, seccompProfile: 'RuntimeDefault' });
    expect(p.warnings.map((w) => w.path)).toEqual(['services.app.stop_signal', 'services.app.sysctls', 'services.app.ulimits']);
    expect(plan({ stop_signal: 'SIGTERM' }).warnings).toEqual([]);
  });
});
