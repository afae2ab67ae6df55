// `node --import @spanwise/core/register app.mjs`: starts tracing before the app's first import. Where this
// Node runs module.registerHooks well enough, start-up has installed the in-thread import hooks; otherwise
// the modules to intercept come back here for the off-thread loader.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { registerFromEnvironment } = require('./dist/cjs/register-hook.js');
const modules = registerFromEnvironment('import');

if (modules !== undefined && modules.length > 0) {
  try {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: modules } });
  } catch (error) {
    process.stderr.write(
      `[spanwise] WARN ES modules will not be instrumented: the loader hooks failed to install (${error}).\n`,
    );
  }
}
