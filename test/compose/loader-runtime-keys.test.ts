/**
 * The loader's per-key normalizers (lib/compose/normalize/runtime.ts): the planner reads these
 * typed fields, never `raw`.
 */
import { RUNTIME_NORMALIZERS } from '../../lib/compose/normalize/runtime';
import { load, tmpProject } from './helpers';

describe('runtime keys → typed ComposeService fields', () => {
  it('normalizes every key the planner reads', () => {
    const dir = tmpProject({
      'compose.yaml': [
        'services:',
        '  app:',
        '    image: x:1',
        '    cap_add: [NET_ADMIN]',
        '    cap_drop: [ALL]',
        '    security_opt: ["no-new-privileges:true"]',
        '    privileged: true',
        '    read_only: true',
        '    init: true',
        '    tty: true',
        '    stdin_open: false',
        '    stop_signal: SIGINT',
        '    extra_hosts: ["db.local:10.0.0.5", "v6=[::1]"]',
        '    dns: 1.1.1.1  # a single string is a list of one',
        '    dns_search: [corp]',
        '    dns_opt: ["ndots:2"]',
        '    sysctls: { net.ipv4.tcp_syncookies: 1 }',
        '    ulimits: { nofile: { soft: 10, hard: 20 }, nproc: 5 }',
        '    group_add: [2000, staff]',
        '    cpus: "1.5"',
        '    mem_limit: 512m',
        '    mem_reservation: 128m',
        '    restart: on-failure:3',
        '    scale: 2',
        '    pull_policy: always',
        '    container_name: the-app',
        '',
      ].join('\n'),
    });
    const s = load(dir).services.app;
    expect(s).toMatchObject({
      capAdd: ['NET_ADMIN'], capDrop: ['ALL'], securityOpt: ['no-new-privileges:true'], privileged: true, readOnly: true, init: true, tty: true, stdinOpen: false,
      stopSignal: 'SIGINT',
      extraHosts: [{ host: 'db.local', ip: '10.0.0.5' }, { host: 'v6', ip: '[::1]' }],
      dns: ['1.1.1.1'], dnsSearch: ['corp'], dnsOpt: ['ndots:2'],
      sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }],
      ulimits: { nofile: { soft: 10, hard: 20 }, nproc: { soft: 5, hard: 5 } },
      groupAdd: ['2000', 'staff'],
      cpus: 1.5, memLimit: 512 * 1024 * 1024, memReservation: 128 * 1024 * 1024,
      restart: 'on-failure:3', scale: 2, pullPolicy: 'always', containerName: 'the-app',
    });
    expect(s.keys).toEqual(Object.keys(s.raw));
  });

  it('leaves fields out for keys not written', () => {
    const s = load(tmpProject({ 'compose.yaml': 'services:\n  app:\n    image: x:1\n' })).services.app;
    for (const { field } of Object.values(RUNTIME_NORMALIZERS)) expect(s[field]).toBeUndefined();
    expect(s.keys).toEqual(['image']);
  });

  it('fills a distinct field per key', () => {
    const fields = Object.values(RUNTIME_NORMALIZERS).map((n) => n.field);
    expect(new Set(fields).size).toBe(fields.length);
  });
});
