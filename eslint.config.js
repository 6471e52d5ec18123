// ESLint for the package's browser scripts and their Node tests (`make lint`).
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    // Plain scripts, inlined by the LMS and Studio next to RequireJS and run as they come: no modules, no
    // transpiling. Each registers itself on window.OraXBlock; the page's own names are the only others.
    files: ["ora_xblock/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2017,
      sourceType: "script",
      globals: {
        ...globals.browser,
        OraI18n: "readonly", // the translated messages, written before the scripts by ora_xblock/js_catalog.py
      },
    },
    rules: {
      "no-undef": "error",
      "no-implicit-globals": "error", // a global only by an explicit window.OraXBlock... assignment
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      strict: ["error", "function"],
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "commonjs",
      globals: globals.node,
    },
    rules: { "no-undef": "error" },
  },
];
