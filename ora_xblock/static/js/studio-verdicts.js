/* OraXBlock.studioVerdicts(editor): the validator's verdicts, each next to its field and in a summary (errors)
 * or the advice box (suggestions), and counted on the tab of its section.
 * ``editor`` (OraXBlock.studio) gives root, gettext, tabs (OraXBlock.studioTabs), newId(kind) and field(path),
 * the element that holds an editor path as the form was last read. */
(function (OraXBlock) {
  "use strict";

  OraXBlock.studioVerdicts = function (editor) {
    var root = editor.root;
    var gettext = editor.gettext;
    var summary = root.querySelector(".ora-studio-summary");
    var advice = root.querySelector(".ora-studio-advice");

    /* A control is described by its hint (data-hints) and then by the verdicts on it (data-notes). */
    function describe(control) {
      var ids = [control.dataset.hints, control.dataset.notes].filter(Boolean).join(" ");
      if (ids) { control.setAttribute("aria-describedby", ids); } else { control.removeAttribute("aria-describedby"); }
    }

    function clear() {
      root.querySelectorAll(".ora-field-error, .ora-field-warning").forEach(function (note) { note.remove(); });
      root.querySelectorAll("[data-notes]").forEach(function (control) {
        control.removeAttribute("aria-invalid");
        delete control.dataset.notes;
        describe(control);
      });
      summary.hidden = true;
      advice.hidden = true;
      editor.tabs.count({});
    }

    /* The element of ``path`` or, failing that, of the nearest path above it. */
    function placeOf(path) {
      while (path) {
        if (editor.field(path)) { return editor.field(path); }
        path = path.replace(/(\/[^/]*|\[\d+\])$/, "");
      }
      return null;
    }

    function annotate(target, message, kind) {
      var note = document.createElement("p");
      note.className = "ora-field-" + kind;
      note.id = editor.newId("note");
      note.textContent = message;
      var isControl = target.matches("input, select, textarea");
      var control = isControl ? target : target.querySelector("input:not([type=hidden]), select, textarea");
      if (isControl) {
        (target.closest(".ora-field, .ora-check") || target).insertAdjacentElement("afterend", note);
      } else if (target.matches("ol, ul")) {
        target.insertAdjacentElement("beforebegin", note);
      } else {
        var head = target.querySelector(":scope > fieldset > legend, :scope > .ora-step-head");
        if (head) { head.insertAdjacentElement("afterend", note); } else { target.insertBefore(note, target.firstChild); }
      }
      if (control) {
        if (kind === "error") { control.setAttribute("aria-invalid", "true"); }
        control.dataset.notes = [control.dataset.notes, note.id].filter(Boolean).join(" ");
        describe(control);
      }
      return { note: note, control: control };
    }

    function summaryItem(list, message, placed) {
      var item = document.createElement("li");
      if (placed && placed.control) {
        var link = document.createElement("a");
        link.href = "#" + placed.note.id;
        link.textContent = message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          editor.tabs.show(editor.tabs.sectionOf(placed.control) || editor.tabs.shown(), false);
          placed.control.focus();
          placed.control.scrollIntoView({ block: "center" });
        });
        item.appendChild(link);
      } else {
        item.textContent = message;
      }
      list.appendChild(item);
    }

    /* Show ``errors`` and ``warnings`` (the validator's, with their field paths) in place of any shown before.
     * ``inForm`` says the form was judged; else (a refused OLX) errors belong to no field. */
    function show(errors, warnings, focusSummary, inForm) {
      clear();
      var errorList = summary.querySelector(".ora-summary-errors");
      var adviceList = advice.querySelector(".ora-advice-list");
      var counts = {};
      function count(kind, section) {
        if (!section) { return; }
        counts[section] = counts[section] || { error: 0, warning: 0 };
        counts[section][kind] += 1;
      }
      errorList.textContent = "";
      adviceList.textContent = "";
      errors.forEach(function (error) {
        var target = inForm ? placeOf(error.field) : null;
        var text = target ? error.text : error.message;
        summaryItem(errorList, text, target ? annotate(target, text, "error") : null);
        count("error", inForm ? editor.tabs.sectionOf(target) : "advanced");  // a refused OLX is the Advanced section's
      });
      (warnings || []).forEach(function (warning) {
        var target = placeOf(warning.field);
        summaryItem(adviceList, warning.text, target ? annotate(target, warning.text, "warning") : null);
        count("warning", editor.tabs.sectionOf(target));
      });
      editor.tabs.count(counts);
      summary.querySelector(".ora-summary-heading").textContent =
        gettext("The problem was not saved. Errors to correct: {count}").replace("{count}", errors.length);
      summary.hidden = !errors.length;
      advice.hidden = !(warnings && warnings.length);
      if (focusSummary && errors.length) { summary.focus(); }
    }

    return { show: show, describe: describe };
  };
}(window.OraXBlock = window.OraXBlock || {}));
