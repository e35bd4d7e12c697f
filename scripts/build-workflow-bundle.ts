/**
 * The prebuilt workflow bundle for the worker image (issue 23; worker/bundle.ts loads it):
 *
 *   node dist/scripts/build-workflow-bundle.js [OUT]          build OUT (default dist/workflow-bundle.js) and its manifest
 *   node dist/scripts/build-workflow-bundle.js --check [OUT]  exit 1 unless OUT is whole and matches the files on disk
 *
 * The manifest (OUT with .json) lists every file webpack put into the bundle with its sha256, taken
 * from the compilation itself, so the worker can tell a stale bundle at start.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import {
  checkBundle,
  DEFAULT_BUNDLE_PATH,
  hashFiles,
  manifestPathFor,
  MANIFEST_VERSION,
  sha256,
  sourcesHash,
  WORKFLOWS_ENTRY,
  type BundleManifest,
} from '../worker/bundle';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../telemetry/temporal';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type WebpackPlugin = NonNullable<WebpackConfig['plugins']>[number];

export interface BuildOptions {
  outFile?: string;
  /**
   * Workflow interceptor modules: with a bundle the SDK takes them from the bundle only, never from
   * the worker's options. Default: telemetry/temporal.ts's, all of them, so one bundle serves with
   * tracing on or off.
   */
  workflowInterceptorModules?: string[];
  logger?: BundleOptions['logger'];
}

/** Bundles the workflows into `outFile` and writes the manifest beside it; returns the manifest. */
export async function buildWorkflowBundle(opts: BuildOptions = {}): Promise<BundleManifest> {
  const outFile = path.resolve(opts.outFile ?? DEFAULT_BUNDLE_PATH);
  const resources = new Set<string>();
  // What went into the bundle, as webpack resolved it (every module with a file behind it; the
  // generated entry point lives in the bundler's in-memory file system and has none on disk).
  const collect: WebpackPlugin = {
    apply(compiler) {
      compiler.hooks.done.tap('fengqiao-bundle-manifest', (stats) => {
        for (const m of stats.compilation.modules) {
          const resource = (m as { resource?: string }).resource;
          if (resource) resources.add(resource.split('?')[0]!);
        }
      });
    },
  };
  const interceptorModules = opts.workflowInterceptorModules ?? WORKFLOW_INTERCEPTOR_MODULES;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    workflowInterceptorModules: interceptorModules,
    logger: opts.logger ?? quietLogger,
    webpackConfigHook: (config) => ({ ...config, plugins: [...(config.plugins ?? []), collect] }),
  });
  const baseDir = path.dirname(manifestPathFor(outFile));
  const onDisk = [...resources].filter((abs) => path.isAbsolute(abs) && existsOnDisk(abs));
  const files = hashFiles(baseDir, onDisk.map((abs) => path.relative(baseDir, abs)).sort());
  if (!Object.keys(files).some((rel) => rel.includes('dispute.workflow'))) {
    throw new Error(
      `打包结果中没有争议工作流 / the bundle has no dispute workflow (${Object.keys(files).length} files)`,
    );
  }
  const manifest: BundleManifest = {
    version: MANIFEST_VERSION,
    sourcesSha256: sourcesHash(files),
    bundleSha256: sha256(code),
    files,
    workflowInterceptorModules: interceptorModules.map((m) => path.relative(baseDir, m)),
    builtAt: new Date().toISOString(),
  };
  writeFileSync(outFile, code);
  writeFileSync(manifestPathFor(outFile), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

function existsOnDisk(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

const quietLogger: NonNullable<BundleOptions['logger']> = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const out = path.resolve(args.find((a) => !a.startsWith('--')) ?? DEFAULT_BUNDLE_PATH);
  if (check) {
    const result = checkBundle(out, WORKFLOW_INTERCEPTOR_MODULES);
    if (!result.ok) {
      console.error(`工作流包不可用 / workflow bundle not usable: ${result.reason}`);
      return 1;
    }
    console.log(
      `workflow bundle ${out}: current (${Object.keys(result.manifest.files).length} files, sources ${result.manifest.sourcesSha256.slice(0, 12)})`,
    );
    return 0;
  }
  const started = Date.now();
  const manifest = await buildWorkflowBundle({ outFile: out });
  console.log(
    `workflow bundle ${out}: ${Object.keys(manifest.files).length} files, sources ${manifest.sourcesSha256.slice(0, 12)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
