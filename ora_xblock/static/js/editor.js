/* OraXBlock.editor: a learner's answer box. The textarea itself, or a Quill rich-text editor that keeps the
   (hidden) textarea's value equal to its HTML, so the form and any code reading the textarea still work. Needs
   window.Quill (static/vendor/quill/quill.js) only for rich editors; OraXBlock.editorToolbar names its buttons.

   var editor = OraXBlock.editor.attach(textarea, {rich: true, label: "Your response", onChange: fn});
   editor.getValue(); editor.setValue(html); editor.setDisabled(true); editor.focus(); */
(function (OraXBlock) {
  "use strict";
  if (OraXBlock.editor) { return; }  // several blocks on a page load this once each; editors stay attached once

  var FORMATS = ["bold", "italic", "underline", "list", "indent", "link", "blockquote", "code-block"];
  var TOOLBAR = [
    ["bold", "italic", "underline"],
    [{ list: "ordered" }, { list: "bullet" }],
    ["link", "blockquote", "code-block"],
    ["clean"]
  ];
  // Tab and Shift+Tab move the focus, as in a textarea, instead of indenting or inserting a tab.
  var NO_TAB = {
    tab: false,
    indent: false,
    outdent: false,
    "remove tab": false,
    "indent code-block": false,
    "outdent code-block": false,
    "table tab": false
  };
  var attached = typeof WeakMap === "function" ? new WeakMap() : null;
  var lastId = 0;

  function translator() {
    return window.OraI18n ? window.OraI18n.gettext : function (text) { return text; };
  }

  function uniqueId(prefix) {
    var id;
    do {
      lastId += 1;
      id = prefix + "-" + lastId;
    } while (document.getElementById(id));
    return id;
  }

  function ensureId(element, prefix) {
    if (!element.id) { element.id = uniqueId(prefix); }
    return element.id;
  }

  function notify(callback) {
    if (typeof callback === "function") { callback(); }
  }

  function fireInput(textarea) {
    var event;
    if (typeof Event === "function") {
      event = new Event("input", { bubbles: true });
    } else {
      event = document.createEvent("Event");
      event.initEvent("input", true, false);
    }
    textarea.dispatchEvent(event);
  }

  // Quill 2.0's getSemanticHTML writes every space as &nbsp;, which stops the text from
  // wrapping wherever it is shown: alternate breakable and non-breaking spaces, starting with a
  // non-breaking one at the start of a block so that leading spaces survive. It also includes
  // the empty span that marks a pending format (Ctrl+B with nothing selected): drop it.
  var BLOCK_START = /<(?:p|li|blockquote|pre)\b[^>]*>$/;

  function tidyHtml(html) {
    return html
      .replace(/<span class="ql-cursor">\uFEFF*<\/span>/g, "")
      .replace(/\uFEFF/g, "")
      .replace(/(?:&nbsp;)+/g, function (run, offset, whole) {
        var spaces = [];
        var first = BLOCK_START.test(whole.slice(Math.max(0, offset - 200), offset)) ? 1 : 0;
        for (var i = 0; i < run.length / 6; i += 1) {
          spaces.push((i + first) % 2 ? "&nbsp;" : " ");
        }
        return spaces.join("");
      })
      .replace(/<p><\/p>/g, "<p><br></p>");
  }

  function looksLikeHtml(value) {
    return /<\/?[a-z][^>]*>/i.test(value);
  }

  function plainEditor(textarea, options) {
    textarea.addEventListener("input", function () { notify(options.onChange); });
    if (options.label && !textarea.labels.length && !textarea.getAttribute("aria-labelledby") &&
        !textarea.getAttribute("aria-label")) {
      textarea.setAttribute("aria-label", options.label);
    }
    return {
      getValue: function () { return textarea.value; },
      setValue: function (value) { textarea.value = value == null ? "" : String(value); },
      setDisabled: function (disabled) { textarea.disabled = !!disabled; },
      focus: function () { textarea.focus(); }
    };
  }

  // Name the editable area the way the textarea is named: by its visible label(s) if it has
  // any, else by its aria-label, else by options.label.
  function label(textarea, root, options) {
    var ids = textarea.getAttribute("aria-labelledby");
    var labels = Array.prototype.slice.call(textarea.labels || []);
    if (!ids && labels.length) {
      ids = labels.map(function (element) { return ensureId(element, "ora-editor-label"); }).join(" ");
    }
    if (ids) {
      root.setAttribute("aria-labelledby", ids);
    } else {
      root.setAttribute("aria-label", textarea.getAttribute("aria-label") || options.label || "");
    }
  }

  function richEditor(textarea, options, Quill) {
    var gettext = translator();
    var labels = Array.prototype.slice.call(textarea.labels || []);
    var anchor = textarea.parentNode.tagName === "LABEL" ? textarea.parentNode : textarea;
    var wrapper = document.createElement("div");
    var host = document.createElement("div");
    wrapper.className = "ora-editor";
    wrapper.appendChild(host);
    anchor.parentNode.insertBefore(wrapper, anchor.nextSibling);

    var quill = new Quill(host, {
      theme: "snow",
      formats: FORMATS,
      bounds: wrapper,
      placeholder: textarea.getAttribute("placeholder") || "",
      modules: { toolbar: TOOLBAR, keyboard: { bindings: NO_TAB } }
    });
    var root = quill.root;
    var toolbar = quill.getModule("toolbar").container;
    var tooltip = wrapper.querySelector(".ql-tooltip");
    var rootId = ensureId(root, (textarea.id || "ora-editor") + "-rich");

    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    label(textarea, root, options);
    if (textarea.getAttribute("aria-describedby")) {
      root.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    // A hidden required control blocks the form's submission: the editor carries it instead.
    if (textarea.required) {
      textarea.required = false;
      root.setAttribute("aria-required", "true");
    }

    OraXBlock.editorToolbar.label(toolbar, options.label, rootId, gettext);

    if (tooltip) { OraXBlock.editorToolbar.tooltip(tooltip, gettext); }

    function html() {
      return /\S/.test(quill.getText()) ? tidyHtml(quill.getSemanticHTML()) : "";
    }

    function sync() {
      textarea.value = html();
    }

    function load(value, asHtml) {
      value = value == null ? "" : String(value);
      if (asHtml || looksLikeHtml(value)) {
        quill.setContents(quill.clipboard.convert({ html: value }), "silent");
      } else {
        quill.setText(value, "silent");
      }
      quill.history.clear();
    }

    quill.on("text-change", function (delta, oldContents, source) {
      sync();
      if (source !== "silent") {
        fireInput(textarea);
        notify(options.onChange);
      }
    });
    // Quill marks every toolbar button as a toggle; "clear formatting" is not one.
    quill.on("editor-change", function () {
      Array.prototype.forEach.call(toolbar.querySelectorAll(".ql-clean"), function (button) {
        button.removeAttribute("aria-pressed");
      });
    });
    labels.forEach(function (element) {
      element.addEventListener("click", function (event) {
        event.preventDefault();
        quill.focus();
      });
    });

    load(textarea.value, false);
    textarea.hidden = true;
    textarea.style.display = "none";
    textarea.setAttribute("aria-hidden", "true");
    if (textarea.matches(":disabled")) { setDisabled(true); }  // itself, or inside a disabled (read-only) fieldset

    function setDisabled(disabled) {
      disabled = !!disabled;
      quill.enable(!disabled);
      textarea.disabled = disabled;
      wrapper.classList.toggle("ora-editor-disabled", disabled);
      if (disabled) {
        root.setAttribute("aria-disabled", "true");
      } else {
        root.removeAttribute("aria-disabled");
      }
      Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (button) {
        button.disabled = disabled;
      });
    }

    return {
      getValue: html,
      setValue: function (value) {
        load(value, true);
        sync();
      },
      setDisabled: setDisabled,
      focus: function () { quill.focus(); }
    };
  }

  function attach(textarea, options) {
    options = options || {};
    if (attached && attached.has(textarea)) { return attached.get(textarea); }
    var Quill = window.Quill;
    var editor;
    if (options.rich && typeof Quill === "function") {
      editor = richEditor(textarea, options, Quill);
    } else {
      if (options.rich && window.console) {
        window.console.warn("OraXBlock.editor: Quill is not loaded; using a plain textarea.");
      }
      editor = plainEditor(textarea, options);
    }
    if (attached) { attached.set(textarea, editor); }
    return editor;
  }

  OraXBlock.editor = { attach: attach };
}(window.OraXBlock = window.OraXBlock || {}));
