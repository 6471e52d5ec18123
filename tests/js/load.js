// Runs the package's browser scripts under Node, as the page runs them: plain scripts in one global scope whose
// `window` is that scope itself, with the stand-in DOM (dom.js) as `document` and messages left untranslated.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { document } = require("./dom");

const SCRIPTS = path.join(__dirname, "..", "..", "ora_xblock", "static", "js");

/* A fresh window after running the scripts ``names`` (file names in static/js) in that order. */
function load(...names) {
  const window = vm.createContext({ document, OraI18n: { gettext: (text) => text } });
  window.window = window;
  for (const name of names) {
    vm.runInContext(fs.readFileSync(path.join(SCRIPTS, name), "utf8"), window, { filename: name });
  }
  return window;
}

/* ``value`` as the server receives it: what JSON.stringify sends (and plain objects of this realm, for assert). */
const asSent = (value) => JSON.parse(JSON.stringify(value));

module.exports = { load, asSent };
