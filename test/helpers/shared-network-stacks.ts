/**
 * Compose stacks for the network_mode: service:X tests (plan, constructs, Helm).
 */

/** A VPN container (gluetun) with two apps routed through it and one app reaching them by name. */
export const GLUETUN = `
services:
  vpn:
    image: qmcgaw/gluetun:v3.39.0
    cap_add: [NET_ADMIN]
    environment:
      VPN_SERVICE_PROVIDER: mullvad
    ports:
      - "8080:8080"
      - "9696:9696"
    healthcheck:
      test: ["CMD", "/gluetun-entrypoint", "healthcheck"]
  qbittorrent:
    image: lscr.io/linuxserver/qbittorrent:4.6.0
    network_mode: service:vpn
    expose: ["8080"]
    environment:
      WEBUI_PORT: "8080"
    volumes: [config:/config]
    depends_on:
      vpn: { condition: service_healthy }
  prowlarr:
    image: lscr.io/linuxserver/prowlarr:1.21.2
    network_mode: "service:vpn"
    expose: ["9696"]
    cap_add: [SYS_TIME]
  web:
    image: nginx:1.25
    expose: ["80"]
    depends_on:
      qbittorrent: { condition: service_healthy }
volumes:
  config: {}
`;
