// `npm run build` (also run by `npm install`, as the `prepare` script): compiles Hearth's
// TypeScript into dist/, one bundled file per program, so that `npm start` and the command-line
// tools run on plain `node` with nothing compiled at start. Packages stay in node_modules and are
// imported at run time: that is why everything they import must be a dependency, not a dev one.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Output file (without .js) -> source. The same names appear in package.json's scripts. */
export const PROGRAMS = {
  main: 'src/main.ts',
  'deploy-commands': 'src/cli/deploy-commands.ts',
  backup: 'src/cli/backup.ts',
  restore: 'src/cli/restore.ts',
  doctor: 'src/cli/doctor.ts',
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds every program (or those given, output name -> source) into `outdir` (relative to the
 * project, one folder down so that ../migrations is found); returns esbuild's metafile.
 */
export async function buildHearth(outdir = 'dist', programs = PROGRAMS) {
  const { build } = await import('esbuild').catch(() => {
    throw new Error('Building Hearth needs its development tools (esbuild). Install with a plain `npm install`, not --omit=dev or --production.');
  });
  rmSync(resolve(ROOT, outdir), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: programs,
    outdir,
    bundle: true,
    // No shared chunks: each program is one file beside the others, so every one of them finds
    // migrations/ at the same place (../migrations).
    splitting: false,
    format: 'esm',
    platform: 'node',
    target: 'node20.12',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildHearth();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
