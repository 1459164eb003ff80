/**
 * THE allow-list of intentional differences between our loader and Docker Compose 2.26.1
 * (`docker-compose config --format json`), for the differential test
 * (test/compose/differential.test.ts). Keyed by corpus file (relative to test/fixtures/corpus)
 * and compared field path (`services.<name>.<field>`, `secrets.<name>`, `configs.<name>`, or
 * `$outcome` when only one side rejects the file). Every entry carries its reason. An entry that
 * no longer matches a difference fails the test, so the list cannot go stale.
 */
import type { AllowList } from './run';

/** Compose 2.26.1 (Debian trixie) predates these compose-spec additions; our vendored schema has them. */
const NEWER_SCHEMA = (what: string) =>
  `Compose 2.26.1 validates against an older compose-spec schema that lacks ${what}; our vendored schema (lib/compose/schema/) is newer and current Compose accepts the file`;

const BLANK_VOLUME_NAME =
  '`name: ${UNSET_VARIABLE}` interpolates to a blank name: Compose 2.26.1 then prints the volume with no name at all, we fall back to the default `<project>_<key>` (a volume must have a name in Kubernetes)';

export const ALLOW_LIST: AllowList = {
  'compose-spec/05-services.example-16.yaml': { $outcome: NEWER_SCHEMA('the service-level `models` key') },
  'compose-spec/models.example-1.yaml': { $outcome: NEWER_SCHEMA('the `models` keys') },
  'compose-spec/models.example-2.yaml': { $outcome: NEWER_SCHEMA('the `models` keys') },
  'compose-spec/05-services.example-31.yaml': { $outcome: NEWER_SCHEMA('the `pull_policy: every_<duration>` values') },
  'compose-spec/develop.example-3.yaml': { $outcome: NEWER_SCHEMA('`develop.watch[].include`') },
  'real-projects/penpot/docker/devenv/docker-compose.infra.yml': {
    'volumes.minio_data': BLANK_VOLUME_NAME,
    'volumes.postgres_data_pg16': BLANK_VOLUME_NAME,
  },

  // Hand-written edge cases (test/compose/differential/cases/), not corpus files.
  'cases/build-mounts-refs/compose.yaml': {
    'services.b.configs':
      'Compose 2.26.1 reads a quoted mode "0440" as decimal 440; the spec (and newer compose-go) read it as octal 0o440 = 288, which is what we keep',
  },
  'cases/profiles-optional-dep/compose.yaml': {
    'services.q.depends_on':
      'a `required: false` dependency on a service disabled by profiles is dropped by our loader (lib/compose/profiles.ts) instead of kept: the plan would skip it anyway, and Compose itself ignores it at run time',
  },
};
