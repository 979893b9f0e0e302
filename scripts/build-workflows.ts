// `npm run build:workflows [out-file]`: bundles workflows/ once, for workers started with
// WORKFLOW_BUNDLE_PATH=<out-file> (the Docker image does). Default out-file: build/workflow-bundle.js.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../core/data-converter';

const out = resolve(process.argv[2] ?? 'build/workflow-bundle.js');
const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  // Workflow failures encoded as the worker's are (core/failure-converter.cjs).
  failureConverterPath: FAILURE_CONVERTER_PATH,
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
