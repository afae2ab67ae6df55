'use strict';
// `node --require @spanwise/core/register app.js`: starts tracing before the app's first module loads.
require('./dist/cjs/register-hook.js').registerFromEnvironment('require');
