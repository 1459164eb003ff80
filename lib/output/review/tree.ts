/**
 * Reading an output folder into memory: relative `/`-separated path → text, in name order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareStrings } from '../../order';

/** Every file under `dir` (recursively) that `keep` accepts; {} when the folder is missing. */
export function readTree(dir: string, keep: (name: string) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (abs: string, rel: string): void => {
    for (const ent of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name))) {
      const childAbs = path.join(abs, ent.name);
      const childRel = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(childAbs, childRel);
      else if (ent.isFile() && keep(childRel)) out[childRel] = fs.readFileSync(childAbs, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
