// `node --import @spanwise/core/register app.mjs`: starts tracing and installs the ESM loader hooks before
// the app's first import, so instrumentations apply to ES modules too.
import { createRequire, register as registerAsyncHooks } from 'node:module';

const require = createRequire(import.meta.url);
const { registerFromEnvironment } = require('./dist/cjs/register-hook.js');
const modules = registerFromEnvironment('import');

if (modules !== undefined && modules.length > 0) {
  try {
    // In-thread synchronous hooks (module.registerHooks) where this Node has a working implementation; the
    // off-thread module.register loader otherwise.
    const { register, supportsSyncHooks } = await import('import-in-the-middle/register-hooks.mjs');
    if (supportsSyncHooks()) {
      register({ include: modules });
    } else {
      registerAsyncHooks('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: modules } });
    }
  } catch (error) {
    process.stderr.write(
      `[spanwise] WARN ES modules will not be instrumented: the loader hooks failed to install (${error}).\n`,
    );
  }
}
