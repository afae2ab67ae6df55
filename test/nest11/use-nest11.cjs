// Preload for the NestJS 11 test: whoever asks for a Nest package (including @spanwise/nestjs, whose own
// node_modules hold Nest 12 for its tests) gets the one installed here, as in an app that depends on Nest 11.
const Module = require('node:module');
const { join } = require('node:path');

const here = join(__dirname, 'app.cjs');
const original = Module._resolveFilename;
Module._resolveFilename = function resolveNestFromHere(request, parent, ...rest) {
  if (
    request.startsWith('@nestjs/') ||
    request === 'rxjs' ||
    request.startsWith('rxjs/') ||
    request === 'reflect-metadata'
  ) {
    return original.call(
      this,
      request,
      { id: here, filename: here, paths: Module._nodeModulePaths(__dirname) },
      ...rest,
    );
  }
  return original.call(this, request, parent, ...rest);
};
