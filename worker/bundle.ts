/**
 * The prebuilt workflow bundle (issue 23). An image builds it once (scripts/build-workflow-bundle.ts,
 * run by deploy/scripts/build-workflow-bundle.sh) and the worker loads it with
 * `workflowBundle: { codePath }` instead of running webpack at every start (seconds of CPU and
 * some 100 MB of memory per start).
 *
 * A manifest beside it (`workflow-bundle.json`) lists every file webpack put into the bundle with
 * the hash of their contents. The worker re-hashes those files when it starts: a bundle that no
 * longer matches the code on disk (a stale bundle: dist/ rebuilt, a file patched in place) would
 * run other workflow code than the activities and the API expect, so it is
 * - refused (the worker exits, naming the first file that differs) when WORKFLOW_BUNDLE_PATH names it,
 *   as the images do;
 * - ignored with a warning, the workflows bundled at start as before, when it was only found at the
 *   default place (dist/workflow-bundle.js), as on a developer's machine.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { workflowInterceptorModules } from '../telemetry/temporal';

/** The workflows' entry point (the same as worker/create-worker.ts's WORKFLOWS_PATH). */
export const WORKFLOWS_ENTRY = require.resolve('../workflows');
/** dist/workflow-bundle.js when running from dist/ (beside dist/workflows/). */
export const DEFAULT_BUNDLE_PATH = path.join(path.dirname(WORKFLOWS_ENTRY), '..', 'workflow-bundle.js');

export const MANIFEST_VERSION = 1;

export interface BundleManifest {
  version: number;
  /** sha256 over the bundled files (paths relative to the manifest's folder, and their sha256). */
  sourcesSha256: string;
  /** sha256 of the bundle file itself. */
  bundleSha256: string;
  /** The bundled files, relative to the manifest's folder, sorted, each with its content's sha256. */
  files: Record<string, string>;
  /** Workflow interceptor modules given to the bundler, relative to the manifest's folder (with a bundle, the SDK ignores the worker's). */
  workflowInterceptorModules: string[];
  builtAt: string;
}

export function manifestPathFor(codePath: string): string {
  return codePath.replace(/\.js$/, '') + '.json';
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Each of `files` (relative to `baseDir`, sorted) with its content's sha256. */
export function hashFiles(baseDir: string, files: string[]): Record<string, string> {
  return Object.fromEntries(files.map((rel) => [rel, sha256(readFileSync(path.resolve(baseDir, rel)))]));
}

/** One hash over the files and their hashes, in order. */
export function sourcesHash(files: Record<string, string>): string {
  return sha256(
    Object.entries(files)
      .map(([rel, hash]) => `${rel}\0${hash}\n`)
      .join(''),
  );
}

export type BundleCheck =
  { ok: true; manifest: BundleManifest } | { ok: false; reason: string; manifest?: BundleManifest; file?: string };

/**
 * Whether the bundle at `codePath` is whole, matches the files it was built from as they are on disk
 * now, and holds the workflow interceptor modules `requiredModules` (absolute paths).
 */
export function checkBundle(codePath: string, requiredModules: string[] = []): BundleCheck {
  const manifestPath = manifestPathFor(codePath);
  if (!existsSync(codePath)) return { ok: false, reason: `没有该文件 / no such file: ${codePath}` };
  if (!existsSync(manifestPath)) {
    return {
      ok: false,
      reason: `缺少清单，无法判断是否过期 / no manifest beside it (${manifestPath}): cannot tell whether it is stale`,
    };
  }
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
  } catch {
    return { ok: false, reason: `清单不可读 / unreadable manifest ${manifestPath}` };
  }
  if (manifest.version !== MANIFEST_VERSION || typeof manifest.files !== 'object' || manifest.files === null) {
    return {
      ok: false,
      reason: `清单版本不符 / manifest version ${String(manifest.version)} (expected ${MANIFEST_VERSION})`,
      manifest,
    };
  }
  if (sha256(readFileSync(codePath)) !== manifest.bundleSha256) {
    return {
      ok: false,
      reason: '工作流包文件在构建后被改动 / the bundle file itself was changed after it was built',
      manifest,
    };
  }
  const baseDir = path.dirname(manifestPath);
  for (const [rel, hash] of Object.entries(manifest.files)) {
    const abs = path.resolve(baseDir, rel);
    if (!existsSync(abs)) {
      return {
        ok: false,
        reason: `打包时的源文件已不存在 / a bundled source file is gone: ${rel}`,
        manifest,
        file: rel,
      };
    }
    if (sha256(readFileSync(abs)) !== hash) {
      return {
        ok: false,
        reason: `源文件在打包后已改动（工作流包已过期） / a workflow source changed after the bundle was built (stale bundle): ${rel}`,
        manifest,
        file: rel,
      };
    }
  }
  if (sourcesHash(manifest.files) !== manifest.sourcesSha256) {
    return { ok: false, reason: '清单自相矛盾 / the manifest does not add up (sourcesSha256)', manifest };
  }
  const lacking = requiredModules.map((m) => path.relative(baseDir, m)).find((rel) => !(rel in manifest.files));
  if (lacking) {
    return {
      ok: false,
      reason: `工作流包缺少拦截器模块 / the bundle lacks the workflow interceptor module ${lacking}`,
      manifest,
    };
  }
  return { ok: true, manifest };
}

export interface BundleLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The `workflowBundle` option for the worker: WORKFLOW_BUNDLE_PATH's bundle (it must be current, or
 * this throws), else dist/workflow-bundle.js when present and current, else none (bundled at start).
 * `WORKFLOW_BUNDLE_PATH=` (empty) or `none` turns the prebuilt bundle off.
 */
export function workflowBundleFromEnv(
  env: NodeJS.ProcessEnv,
  log: BundleLog,
  defaultPath: string = DEFAULT_BUNDLE_PATH,
  /** The workflow interceptor modules this worker needs (telemetry/temporal.ts: more with tracing on). */
  requiredModules: string[] = workflowInterceptorModules(),
): { codePath: string } | undefined {
  const configured = env.WORKFLOW_BUNDLE_PATH;
  if (configured !== undefined && (configured.trim() === '' || configured.trim() === 'none')) {
    log.info('workflow bundle: built at start (WORKFLOW_BUNDLE_PATH is off)');
    return undefined;
  }
  if (configured !== undefined) {
    const codePath = path.resolve(configured);
    const check = checkBundle(codePath, requiredModules);
    if (!check.ok) {
      throw new Error(
        `WORKFLOW_BUNDLE_PATH 所指的预构建工作流包不可用 / the prebuilt workflow bundle WORKFLOW_BUNDLE_PATH names cannot be used: ${check.reason}. ` +
          '请重新构建（node dist/scripts/build-workflow-bundle.js）或取消该变量 / rebuild it (node dist/scripts/build-workflow-bundle.js) or unset the variable ' +
          `(got "${configured}")`,
      );
    }
    log.info(`workflow bundle: prebuilt ${codePath} (sources ${check.manifest.sourcesSha256.slice(0, 12)})`);
    return { codePath };
  }
  if (!existsSync(defaultPath)) return undefined;
  const check = checkBundle(defaultPath, requiredModules);
  if (!check.ok) {
    log.warn(
      `预构建工作流包已忽略，启动时重新打包 / prebuilt workflow bundle ${defaultPath} ignored, bundling at start: ${check.reason}`,
    );
    return undefined;
  }
  log.info(`workflow bundle: prebuilt ${defaultPath} (sources ${check.manifest.sourcesSha256.slice(0, 12)})`);
  return { codePath: defaultPath };
}
