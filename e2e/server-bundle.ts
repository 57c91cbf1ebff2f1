import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';

/**
 * The sync server as one ES module, built once per e2e run so that each test's server starts with
 * `node <bundle>` instead of `node --import tsx sync-server/src/main.ts`: measured on the 2-core CI
 * machine, about 3.3 s of CPU per start instead of 5.1 s (tsx resolves and transforms several hundred
 * modules through its loader hooks on every start), and ~1 s less to "Ready".
 *
 * What stays as it runs under tsx:
 * - packages from node_modules stay external (native ones such as leveldown and sharp, and each is
 *   the same copy `npm run server` loads), so the bundle lives under `sync-server/node_modules/` to
 *   resolve them as sync-server's own imports do (it has its own lru-cache, not the root's);
 * - workspace packages (`@atende/protocol`) point at TypeScript sources, so they are bundled in;
 * - each module's `import.meta.url` (and `dirname`/`filename`) is its source file's, so the public
 *   folder and the simulators' pages and assets are read from where they are in the tree.
 */
export async function bundleServer(root: string, outfile: string): Promise<void> {
  // esbuild is tsx's own dependency (tsx is ours), so it is taken from there rather than by hoisting luck.
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = fromTsx('esbuild') as typeof Esbuild;
  await esbuild.build({
    entryPoints: [path.join(root, 'sync-server/src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    logLevel: 'warning',
    plugins: [{
      name: 'atende-server-as-in-tree',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@atende/') ? undefined : { path: args.path, external: true }));
        build.onLoad({ filter: /\.ts$/ }, async (args) => {
          const source = await readFile(args.path, 'utf8');
          const file = JSON.stringify(args.path);
          const contents = source
            .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
            .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)))
            .replace(/\bimport\.meta\.filename\b/g, file);
          return { contents, loader: 'ts' };
        });
      },
    }],
  });
}
