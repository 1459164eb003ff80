/**
 * Which image a service runs, and how Kubernetes pulls it.
 *
 * A service with `build` runs the image our CI builds and pushes to DOCR under the commit's sha;
 * a service with only `image` keeps it. Sha tags never move, so `IfNotPresent` is safe for them.
 */
import type { ComposeService } from '../compose/model';
import { DOCR_HOST, docrImage, Settings } from '../settings';
import { toRepositoryName } from './names';
import { splitImage } from './image-reference';

export interface ImagePlan {
  readonly image: string;
  readonly built: boolean;
  /** Built images only: the repository under the registry (the image is `<registry>/<repository>:<tag>`). */
  readonly repository?: string;
  readonly pullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** True when pulling needs the DOCR pull secret. */
  readonly fromDocr: boolean;
}

/** Compose `pull_policy` → Kubernetes imagePullPolicy (`build` means we built it: IfNotPresent). */
const PULL_POLICY: Readonly<Record<string, ImagePlan['pullPolicy']>> = {
  always: 'Always',
  never: 'Never',
  missing: 'IfNotPresent',
  if_not_present: 'IfNotPresent',
  build: 'IfNotPresent',
};

/** The DOCR repository a built service is pushed to. */
export function repositoryOf(service: Pick<ComposeService, 'name'>): string {
  return toRepositoryName(service.name);
}

/** True when an image reference has no tag or the `latest` tag (and no digest). */
export function isMutableTag(image: string): boolean {
  const { tag, digest } = splitImage(image);
  return digest === undefined && (tag === undefined || tag === 'latest');
}

export function planImage(service: ComposeService, settings: Settings): ImagePlan | undefined {
  const explicit = service.pullPolicy !== undefined ? PULL_POLICY[service.pullPolicy] : undefined;
  if (service.build) {
    return { image: docrImage(settings, repositoryOf(service)), built: true, repository: repositoryOf(service), pullPolicy: explicit ?? 'IfNotPresent', fromDocr: true };
  }
  if (!service.image) return undefined;
  const image = service.image;
  return {
    image,
    built: false,
    pullPolicy: explicit ?? (isMutableTag(image) ? 'Always' : 'IfNotPresent'),
    fromDocr: image.startsWith(`${DOCR_HOST}/`),
  };
}
