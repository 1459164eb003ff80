/**
 * Image references as Docker reads them (the grammar of github.com/distribution/reference):
 * `[<domain>[:<port>]/]<path>[:<tag>][@<algorithm>:<hex>]`, the path lowercase. Compose accepts any
 * string as `image` (`docker compose config` prints it back), but pulling one outside the grammar
 * fails ("invalid reference format"), and Kubernetes leaves such a pod in InvalidImageName.
 */
import { IMAGE_TAG_PATTERN } from '../settings';

/** An image reference split into repository (host and path), tag and digest, as written. */
export interface ImageParts {
  /** Everything before the tag or digest (may include a registry host and path). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Split `host/path/name:tag@digest` into repository, tag and digest. */
export function splitImage(ref: string): ImageParts {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = new RegExp(IMAGE_TAG_PATTERN);
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** Docker's limit on the name part. */
const NAME_MAX = 255;

/** Why `image` is not a reference Docker can pull, or undefined when it is one. */
export function imageReferenceProblem(image: string): string | undefined {
  const { repository: name, tag, digest } = splitImage(image);
  if (name === '') return 'it has no repository name';
  if (!NAME.test(name)) {
    return NAME.test(name.toLowerCase()) || NAME.test(lowerPath(name))
      ? `the repository name "${name}" must be lowercase`
      : `the repository name "${name}" is invalid (parts of lowercase letters and digits, separated by "/" and joined inside by ".", "_", "__" or "-", after an optional registry host)`;
  }
  if (name.length > NAME_MAX) return `the repository name is longer than ${NAME_MAX} characters`;
  if (tag !== undefined && !TAG.test(tag)) return `the tag "${tag}" is invalid (letters, digits, "_", "." and "-", at most 128 characters, not starting with "." or "-")`;
  if (digest !== undefined && !DIGEST.test(digest)) return `the digest "${digest}" is invalid (<algorithm>:<hex>, e.g. sha256: and 64 hex digits)`;
  return undefined;
}

/** `name` with its path (after a registry host) lowercased: the host may hold capitals. */
function lowerPath(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? name.toLowerCase() : name.slice(0, slash + 1) + name.slice(slash + 1).toLowerCase();
}
