import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles the CLI with the build's compiler options, but only what
 * src/cli/main.ts imports: `npm run build` compiles all of src/, and a broken
 * file elsewhere must not fail a CLI suite. The output lives under
 * node_modules/.cache so that its package imports resolve. Returns the path
 * of main.js and a function that removes the build.
 */
export function buildCli(): { main: string; remove: () => void } {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const buildDir = mkdtempSync(join(cache, 'baofoo-cli-e2e-'));
  writeFileSync(
    join(buildDir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { rootDir: join(ROOT, 'src'), outDir: join(buildDir, 'dist'), declaration: false, sourceMap: false },
      include: [],
      files: [join(ROOT, 'src', 'cli', 'main.ts')],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(buildDir, 'tsconfig.json')], { stdio: 'pipe' });
  return { main: join(buildDir, 'dist', 'cli', 'main.js'), remove: () => rmSync(buildDir, { recursive: true, force: true }) };
}
