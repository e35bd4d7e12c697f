import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, whether running from sources (ts-jest) or from dist/. */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${start}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
export const DATA_DIR = process.env.FENGQIAO_DATA_DIR ?? path.join(PROJECT_ROOT, 'data');
