'use strict';
/**
 * Tab completion in `npm run repl` (scripts/repl.js) lists what a user may call: on objects of the
 * library's classes, members that are `private`, `protected` or `@internal` in src/ are left out
 * (TypeScript's `private` is a property like any other at run time, so Node's completer lists it).
 * The members are read from src/*.ts by their syntax alone (no type checking: it costs
 * milliseconds), the first time an object of one of those classes is completed.
 */
const fs = require('node:fs');
const path = require('node:path');

/** For each class declared in `srcDir` (sub-folders too): its members hidden from and shown to users. */
function classMembers(srcDir) {
  const ts = require('typescript');
  const classes = new Map();
  const hiddenFlags = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;
  const isInternal = (node) => ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
  const nameOf = (node) => (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : null);
  const visit = (node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      const hidden = new Set();
      const shown = new Set();
      for (const member of node.members) {
        if (ts.isConstructorDeclaration(member)) {
          // parameter properties: `private readonly x` in the constructor
          for (const parameter of member.parameters)
            if (ts.getCombinedModifierFlags(parameter) & hiddenFlags && ts.isIdentifier(parameter.name)) hidden.add(parameter.name.text);
          continue;
        }
        const name = nameOf(member);
        if (name === null) continue;
        if (ts.getCombinedModifierFlags(member) & hiddenFlags || isInternal(member)) hidden.add(name);
        else shown.add(name);
      }
      classes.set(node.name.text, { hidden, shown });
    }
    ts.forEachChild(node, visit);
  };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
        visit(ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true));
    }
  };
  walk(srcDir);
  return classes;
}

/**
 * Member names of `value` to leave out of completion: hidden in one of the library's classes on
 * its prototype chain and shown by none; null when no such class is there.
 */
function hiddenOf(value, classes) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return null;
  const hidden = new Set();
  const shown = new Set();
  let found = false;
  for (let proto = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const members = Object.hasOwn(proto, 'constructor') ? classes.get(proto.constructor.name) : undefined;
    if (!members) continue;
    found = true;
    for (const name of members.hidden) hidden.add(name);
    for (const name of members.shown) shown.add(name);
  }
  if (!found) return null;
  for (const name of shown) hidden.delete(name);
  return hidden;
}

/** Makes `replServer`'s completion leave out the private, protected and internal members of the classes in `srcDir`. */
function completePublicMembers(replServer, srcDir) {
  let classes = null;
  const complete = replServer.completer;
  replServer.completer = function completer(line, callback) {
    complete.call(this, line, (error, result) => {
      const member = /([\w$]+(?:\.[\w$]+)*)\.([\w$]*)$/.exec(line);
      if (error || !result || !member) return callback(error, result);
      // the object, evaluated as Node's completer evaluates it
      this.eval(`try { ${member[1]} } catch {}`, this.context, 'repl', (evalError, value) => {
        classes ??= classMembers(srcDir);
        const hidden = evalError ? null : hiddenOf(value, classes);
        if (!hidden || hidden.size === 0) return callback(null, result);
        const prefix = `${member[1]}.`;
        const visible = result[0].filter((name) => !(name.startsWith(prefix) ? hidden.has(name.slice(prefix.length)) : hidden.has(name)));
        callback(null, [visible, result[1]]);
      });
    });
  };
}

module.exports = { completePublicMembers, classMembers, hiddenOf };
