/**
 * Image references split the way a chart's values hold them.
 */

export interface ImageParts {
  /** Everything before the tag or digest (may include a registry host and path). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Split `host/path/name:tag@digest` into repository, tag and digest. */
export function splitImage(ref: string): ImageParts {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
