/* OraXBlock.editorToolbar: Quill's snow toolbar and link box made usable by keyboard and screen reader, for the
 * learner's rich-text editor (OraXBlock.editor). */
(function (OraXBlock) {
  "use strict";

  function buttonLabels(gettext) {
    return {
      bold: gettext("Bold"),
      italic: gettext("Italic"),
      underline: gettext("Underline"),
      "list:ordered": gettext("Numbered list"),
      "list:bullet": gettext("Bulleted list"),
      link: gettext("Link"),
      blockquote: gettext("Quote"),
      "code-block": gettext("Code block"),
      clean: gettext("Clear formatting")
    };
  }

  /* Name ``toolbar`` and each of its buttons, for the editor labelled ``editorLabel`` whose editable area has the
   * id ``controls``; the arrow keys, Home and End move between its buttons. */
  function labelToolbar(toolbar, editorLabel, controls, gettext) {
    var names = buttonLabels(gettext);
    toolbar.setAttribute("aria-label", editorLabel ?
      gettext("Formatting") + ": " + editorLabel : gettext("Formatting"));
    toolbar.setAttribute("aria-controls", controls);
    Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (button) {
      var format = (button.className.match(/\bql-([a-z-]+)/) || [])[1];
      var name = names[button.value ? format + ":" + button.value : format] || format;
      button.setAttribute("aria-label", name);
      button.setAttribute("title", name);
      Array.prototype.forEach.call(button.querySelectorAll("svg"), function (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
    });
    toolbar.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.filter.call(toolbar.querySelectorAll("button"), function (button) {
        return !button.disabled;
      });
      var index = buttons.indexOf(document.activeElement);
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (index < 0 || next === undefined || !buttons.length) { return; }
      buttons[(next + buttons.length) % buttons.length].focus();
      event.preventDefault();
    });
  }

  // The snow theme's link box: label its field, and make "Edit", "Save" and "Remove" reachable
  // by keyboard (they are links without an href).
  function accessibleTooltip(tooltip, gettext) {
    var input = tooltip.querySelector("input[type=text]");
    var action = tooltip.querySelector("a.ql-action");
    var remove = tooltip.querySelector("a.ql-remove");
    if (input) {
      input.setAttribute("aria-label", gettext("Link address"));
      input.setAttribute("data-link", "https://");
    }
    [action, remove].forEach(function (link) {
      if (!link) { return; }
      link.setAttribute("role", "button");
      link.setAttribute("tabindex", "0");
      link.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          link.click();
        }
      });
    });
    if (remove) { remove.setAttribute("aria-label", gettext("Remove link")); }
    function name() {
      if (action) {
        action.setAttribute("aria-label", tooltip.classList.contains("ql-editing") ?
          gettext("Save link") : gettext("Edit link"));
      }
    }
    name();
    if (typeof MutationObserver === "function") {
      new MutationObserver(name).observe(tooltip, { attributes: true, attributeFilter: ["class"] });
    }
  }

  OraXBlock.editorToolbar = { label: labelToolbar, tooltip: accessibleTooltip };
}(window.OraXBlock = window.OraXBlock || {}));
