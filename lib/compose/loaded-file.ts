/** A Compose file after parse, interpolation, validation and canonicalization. */
import type { MergeTag } from './parse';
import type { MutableSourceMap } from './source-map';

export interface LoadedFile {
  /** Absolute path (the first file for a merged set). */
  readonly file: string;
  data: Record<string, unknown>;
  readonly sourceMap: MutableSourceMap;
  readonly tags: Map<string, MergeTag>;
}
