// ts-node's transpiler for this repository (tsconfig.json, "ts-node": "transpiler"): TypeScript's
// own transpileModule, with its output kept on disk. Each `ts-node script.ts` run otherwise
// transpiles all of src/ again, the largest part of the time to the first frame. An entry is
// keyed by everything the output depends on (TypeScript's version, the compiler options, the
// file's name and its text), so an edit or an upgrade simply misses the cache. Output with
// diagnostics (syntax errors) is never stored: ts-node reports them each time, as it would.
// Plain JavaScript on purpose: ts-node loads it before it can compile anything.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'gstreamer-ts-transpile');

exports.create = function create({ service, nodeModuleEmitKind }) {
  const ts = require('typescript');
  const compilerOptions = service.config.options;
  const salt = JSON.stringify([ts.version, compilerOptions, nodeModuleEmitKind ?? null]);
  return {
    transpile(code, { fileName }) {
      const key = crypto.createHash('sha256').update(salt).update('\0').update(fileName).update('\0').update(code).digest('hex');
      const file = path.join(CACHE, `${key}.json`);
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        // not cached yet (or unreadable): transpile
      }
      const result = ts.transpileModule(code, { fileName, compilerOptions, reportDiagnostics: true });
      if (result.diagnostics?.length) return result;
      const entry = { outputText: result.outputText, sourceMapText: result.sourceMapText };
      try {
        fs.mkdirSync(CACHE, { recursive: true });
        const temporary = `${file}.${process.pid}`;
        fs.writeFileSync(temporary, JSON.stringify(entry));
        fs.renameSync(temporary, file); // atomic: a concurrent run reads a whole entry or none
      } catch {
        // a read-only checkout still runs, uncached
      }
      return entry;
    },
  };
};
