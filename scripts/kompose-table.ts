/**
 * Rewrites the table of kompose labels not honoured in schema/README.md from the code's table
 * (KOMPOSE_NOT_HONOURED in lib/plan/x-k8s.ts). Run: npx tsx scripts/kompose-table.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { komposeNotHonouredTable } from '../lib/plan/x-k8s';

const file = path.join(__dirname, '..', 'schema', 'README.md');
const text = fs.readFileSync(file, 'utf8');
const next = text.replace(/(<!-- kompose-not-honoured:start -->\n)[\s\S]*?(<!-- kompose-not-honoured:end -->)/, `$1${komposeNotHonouredTable()}\n$2`);
fs.writeFileSync(file, next);
