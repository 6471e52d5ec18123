/* OraXBlock.latex: LaTeX in a problem that allows it (allow_latex). TeX between the LMS's delimiters is typeset
 * in the text the server has already sanitised; form fields, editors and anything marked to be ignored are left
 * alone. The host's MathJax does it where the page has one (the LMS's courseware; v2's Hub.Queue or v3/v4's
 * typesetPromise). Elsewhere (the workbench, Studio before it loads MathJax) the vendored KaTeX 0.19.1 does it,
 * loaded by URL once per page, and only when there is some math to show. One loader serves every block. */
(function (OraXBlock) {
  "use strict";
  if (OraXBlock.latex) { return; }  // one loader serves every block on the page

  // The delimiters of the LMS's MathJax configuration (common/templates/mathjax_include.html, and Studio's in
  // cms/static/cms/js/require-config.js), so that a problem reads the same whichever renderer typesets it.
  var DELIMITERS = [
    { left: "\\(", right: "\\)", display: false },
    { left: "[mathjaxinline]", right: "[/mathjaxinline]", display: false },
    { left: "\\[", right: "\\]", display: true },
    { left: "[mathjax]", right: "[/mathjax]", display: true }
  ];
  var OPENS = /\\\(|\\\[|\[mathjax(inline)?\]/;
  // What MathJax skips by default, and the classes that mark a region as no-math: MathJax v2's and the LMS's
  // (tex2jax_ignore), MathJax 3/4's default (mathjax_ignore), ours, and Quill's editor.
  var IGNORED_TAGS = ["script", "noscript", "style", "textarea", "pre", "code", "option", "select", "button"];
  var IGNORED_CLASSES = ["tex2jax_ignore", "mathjax_ignore", "ora-no-math", "ql-container", "ql-toolbar"];
  var KATEX_OPTIONS = {
    throwOnError: false,  // a mistake shows its source in KaTeX's error colour, with the reason as its title
    trust: false,         // no \href, \url, \includegraphics, \html...: learners' TeX makes no links or markup
    strict: "ignore",
    maxExpand: 1000,      // macro expansions per formula: a recursive \def stops there
    maxSize: 20,          // em: no rule or space larger than this, so no formula can cover the page
    output: "htmlAndMathml"  // MathML for screen readers, HTML for the eye
  };

  var loading = null;  // the page's one KaTeX load: a promise of renderMathInElement

  function ignored(node) {
    if (node.nodeType !== 1) { return false; }
    if (IGNORED_TAGS.indexOf(node.tagName.toLowerCase()) >= 0 || node.isContentEditable) { return true; }
    return IGNORED_CLASSES.some(function (name) { return node.classList.contains(name); });
  }

  /* Whether some text inside ``root``, outside ignored regions, opens a formula. */
  function hasMath(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (ignored(node)) { return NodeFilter.FILTER_REJECT; }
        return node.nodeType === 3 ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (OPENS.test(node.nodeValue)) { return true; }
    }
    return false;
  }

  /* The page's MathJax, once it can typeset: v3/v4 with typesetPromise, or v2 with Hub.Queue. A configuration
   * object alone (Studio sets one before anything loads MathJax) does not count. */
  function hostMathJax() {
    var mathjax = window.MathJax;
    if (!mathjax) { return null; }
    if (typeof mathjax.typesetPromise === "function") { return mathjax; }
    if (mathjax.Hub && typeof mathjax.Hub.Queue === "function") { return mathjax; }
    return null;
  }

  /* Keep the host's MathJax out of editors: it does not skip contenteditable regions by itself. */
  function shieldEditors(root) {
    root.querySelectorAll(".ql-container, .ql-toolbar, [contenteditable]").forEach(function (editor) {
      editor.classList.add("tex2jax_ignore", "mathjax_ignore");
    });
  }

  function withHost(mathjax, root) {
    if (typeof mathjax.typesetPromise === "function") {
      var ready = mathjax.startup && mathjax.startup.promise ? mathjax.startup.promise : Promise.resolve();
      return ready.then(function () { return mathjax.typesetPromise([root]); });
    }
    mathjax.Hub.Queue(["Typeset", mathjax.Hub, root]);
    return Promise.resolve();
  }

  /* Run a UMD script by URL. Where the page has an AMD loader (RequireJS), the script's anonymous define() would
   * go to it; this script's define instead, told apart by document.currentScript, gives the module to us, and
   * every other script's define still reaches the page's loader. Resolves to the module. */
  function runScript(url, globalName, dependency) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      var host = window.define;
      var own = null;
      var captured;
      if (typeof host === "function" && host.amd) {
        own = function () {
          if (document.currentScript !== element) { return host.apply(this, arguments); }
          var factory = arguments[arguments.length - 1];
          captured = typeof factory === "function" ? factory(dependency) : factory;
        };
        own.amd = host.amd;
        window.define = own;
      }
      function restore() {
        if (own && window.define === own) { window.define = host; }
      }
      element.addEventListener("load", function () {
        restore();
        var module = captured || window[globalName];
        if (module) { resolve(module); } else { reject(new Error(url)); }
      });
      element.addEventListener("error", function () { restore(); reject(new Error(url)); });
      element.async = true;
      element.src = url;
      document.head.appendChild(element);
    });
  }

  function addStylesheet(url) {
    return new Promise(function (resolve, reject) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      link.setAttribute("data-ora-katex", "");
      link.addEventListener("load", resolve);
      link.addEventListener("error", function () { reject(new Error(url)); });
      document.head.appendChild(link);
    });
  }

  /* KaTeX's stylesheet, script and auto-render extension, loaded once for the page. A failed load is forgotten,
   * so that the next re-render tries again; until then the TeX stays as its source. */
  function katex(urls) {
    if (!loading) {
      loading = Promise.all([addStylesheet(urls.css), runScript(urls.script, "katex")]).then(function (loaded) {
        return runScript(urls.autoRender, "renderMathInElement", loaded[1]);
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function withKatex(urls, root) {
    if (!urls.script) { return Promise.resolve(); }  // a runtime that serves no files: only MathJax could do it
    return katex(urls).then(function (renderMathInElement) {
      renderMathInElement(root, Object.assign({
        delimiters: DELIMITERS,
        ignoredTags: IGNORED_TAGS,
        ignoredClasses: IGNORED_CLASSES,
        errorCallback: function () {}  // the error shows on the page; nothing for the console
      }, KATEX_OPTIONS));
      scrollable(root);
    });
  }

  /* A display formula wider than its column scrolls sideways; keyboard users can then reach it to scroll. */
  function scrollable(root) {
    root.querySelectorAll(".katex-display").forEach(function (display) {
      if (display.scrollWidth > display.clientWidth) { display.setAttribute("tabindex", "0"); }
    });
  }

  /* Typeset the math in ``root``, a problem's content that allows LaTeX. ``urls`` names the vendored KaTeX
   * (script, autoRender, css). Resolves once done; never rejects (math that cannot be typeset stays as text). */
  function render(root, urls) {
    if (!root) { return Promise.resolve(); }
    var mathjax = hostMathJax();
    if (mathjax) { shieldEditors(root); }
    if (!hasMath(root)) { return Promise.resolve(); }
    var done = mathjax ? withHost(mathjax, root) : withKatex(urls, root);
    return done.catch(function () {});
  }

  OraXBlock.latex = { render: render, DELIMITERS: DELIMITERS };
}(window.OraXBlock = window.OraXBlock || {}));
