/**
 * Reading project files the plan turns into ConfigMaps (bind-mounted files and folders, Compose
 * `configs` with `file:`). The plan takes this as a parameter so tests can stand in for the disk;
 * nothing here writes. Folder walks are sorted and stop early at a byte budget, so a large tree
 * (node_modules, a data folder) is never read whole just to be refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareStrings } from '../order';

export interface FileInfo {
  readonly type: 'file' | 'dir' | 'other';
  readonly size: number;
  /** Permission bits (e.g. 0o755). */
  readonly mode: number;
}

/** Read-only file access for the plan. Paths are absolute. */
export interface ProjectFiles {
  /** undefined when the path does not exist (symbolic links are followed). */
  stat(file: string): FileInfo | undefined;
  readFile(file: string): Buffer;
  /** Entry names of a folder (unsorted is fine). */
  readDir(dir: string): string[];
}

export const NODE_FILES: ProjectFiles = {
  stat(file) {
    try {
      const s = fs.statSync(file);
      return { type: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', size: s.size, mode: s.mode & 0o777 };
    } catch {
      return undefined;
    }
  },
  readFile: (file) => fs.readFileSync(file),
  readDir: (dir) => fs.readdirSync(dir),
};

export interface FolderFile {
  /** Path relative to the folder, `/`-separated. */
  readonly rel: string;
  readonly content: Buffer;
  readonly mode: number;
}

const MAX_DEPTH = 32;

export type FolderRead =
  | { readonly ok: true; readonly files: FolderFile[]; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'too-large'; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'unreadable'; readonly file: string };

/**
 * Every regular file under `dir` (recursively, sorted by relative path), stopping as soon as
 * their sizes pass `budget` bytes. Entries that are neither files nor folders are skipped.
 */
export function readFolder(files: ProjectFiles, dir: string, budget: number): FolderRead {
  const out: FolderFile[] = [];
  let bytes = 0;
  const walk = (abs: string, rel: string, depth: number): FolderRead | undefined => {
    // Symbolic links are followed; a loop ends here instead of recursing forever.
    if (depth > MAX_DEPTH) return { ok: false, reason: 'unreadable', file: abs };
    for (const name of files.readDir(abs).sort(compareStrings)) {
      const child = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const info = files.stat(child);
      if (!info) continue;
      if (info.type === 'dir') {
        const r = walk(child, childRel, depth + 1);
        if (r) return r;
      } else if (info.type === 'file') {
        bytes += info.size;
        if (bytes > budget) return { ok: false, reason: 'too-large', bytes };
        try {
          out.push({ rel: childRel, content: files.readFile(child), mode: info.mode });
        } catch {
          return { ok: false, reason: 'unreadable', file: child };
        }
      }
    }
    return undefined;
  };
  const stopped = walk(dir, '', 0);
  return stopped ?? { ok: true, files: out.sort((a, b) => compareStrings(a.rel, b.rel)), bytes };
}
