/* OraXBlock.studio.start(runtime, element): the author's editor. The form is read back as the editor's JSON
 * (OraXBlock.studioForm, definition.codec) and the server's validator judges it; each error is shown next to its
 * field and in a summary (OraXBlock.studioVerdicts). The sections are tabs (OraXBlock.studioTabs), the lists are
 * edited by OraXBlock.studioLists, and what follows from the rest is kept up to date by OraXBlock.studioRefresh;
 * OraXBlock.studioReuse copies another problem's rubric into the form.
 * This module saves and checks, and wires the events. */
(function (OraXBlock) {
  "use strict";

  var CHECK_DELAY_MS = 500;

  function start(runtime, element) {
    var root = element.jquery ? element[0] : element;
    var gettext = OraI18n.gettext;
    var holder = root.querySelector(".ora-form-holder");
    var advice = root.querySelector(".ora-studio-advice");
    var status = root.querySelector(".ora-studio-status");
    var olx = root.querySelector(".ora-olx");
    var closeButton = root.querySelector(".ora-close");
    var urls = {
      save: runtime.handlerUrl(element, "save_editor"),
      check: runtime.handlerUrl(element, "check_editor"),
      olx: runtime.handlerUrl(element, "save_definition"),
      rubrics: runtime.handlerUrl(element, "course_rubrics")
    };
    var fields = {};  // editor path -> the element holding that value, as the form was last read
    var rechecking = false;  // after a refused save, every change is judged again
    var formEdited = false;  // since the form was last rendered
    var olxEdited = false;  // since the OLX was last shown
    var checkTimer = null;
    var idPrefix = "ora-" + Math.random().toString(36).slice(2);
    var idCount = 0;

    var editor = {
      root: root,
      gettext: gettext,
      form: function () { return holder.querySelector(".ora-studio-form"); },
      field: function (path) { return fields[path]; },
      newId: function (kind) { idCount += 1; return idPrefix + (kind ? "-" + kind : "") + "-" + idCount; },
      announce: function (message) { status.textContent = message; },
      changed: changed
    };
    editor.tabs = OraXBlock.studioTabs(root, gettext);
    editor.verdicts = OraXBlock.studioVerdicts(editor);
    editor.lists = OraXBlock.studioLists(editor);
    var derived = OraXBlock.studioRefresh(editor);
    var reuse = OraXBlock.studioReuse(editor, urls.rubrics);

    function notify(name, data) { if (runtime.notify) { runtime.notify(name, data || {}); } }

    function collect() {
      var read = OraXBlock.studioForm.read(editor.form());
      fields = read.fields;
      return { definition: read.definition };
    }

    function prepare() {
      derived.prepare();
      editor.tabs.show(editor.tabs.shown(), false);
    }

    /* Studio closes its editor as soon as it hears "save end" (cms.runtime.v1.js), so that waits until the
     * author has seen any suggestions and chosen to close. */
    function saved(body) {
      holder.innerHTML = body.form;
      prepare();
      olx.value = body.olx;
      formEdited = olxEdited = false;
      collect();
      editor.verdicts.show([], body.warnings, false, true);
      rechecking = false;
      if (!(body.warnings && body.warnings.length)) {
        editor.announce(gettext("Saved."));
        close();
        return;
      }
      advice.querySelector(".ora-advice-saved").hidden = false;
      closeButton.closest(".action-item").hidden = false;
      editor.announce(gettext("Saved. Look at the suggestions, then close the editor."));
      advice.focus();
    }

    function close() {
      notify("save", { state: "start" });
      notify("save", { state: "end" });
    }

    function refused(result, inForm) {
      var error = result.body.error || {};
      editor.announce(error.message || gettext("The problem was not saved."));
      editor.verdicts.show(error.errors || [{ message: error.message || gettext("The problem was not saved.") }], [], true, inForm);
      notify("error", { title: gettext("The problem was not saved."), message: error.message || "" });
    }

    function unreachable() {
      editor.announce(gettext("The problem was not saved: the server could not be reached."));
      notify("error", { title: gettext("The problem was not saved."), message: "" });
    }

    function save() {
      editor.announce(gettext("Saving…"));
      advice.querySelector(".ora-advice-saved").hidden = true;
      OraXBlock.http.post(urls.save, collect()).then(function (result) {
        if (result.ok) { saved(result.body); return; }
        rechecking = true;
        refused(result, true);
      }).catch(unreachable);
    }

    function saveOlx() {
      editor.announce(gettext("Saving…"));
      advice.querySelector(".ora-advice-saved").hidden = true;
      OraXBlock.http.post(urls.olx, { olx: olx.value }).then(function (result) {
        if (result.ok) { saved(result.body); return; }
        refused(result, false);
      }).catch(unreachable);
    }

    function check() {
      OraXBlock.http.post(urls.check, collect()).then(function (result) {
        if (result.ok) {
          editor.verdicts.show([], result.body.warnings, false, true);
          editor.announce(gettext("No errors left. Save to keep your changes."));
        } else if (result.body.error && result.body.error.errors) {
          editor.verdicts.show(result.body.error.errors, [], false, true);
        }
      }).catch(function () { /* judged again on the next change or save */ });
    }

    function changed() {
      formEdited = true;
      derived.refresh();
      if (!rechecking) { return; }
      clearTimeout(checkTimer);
      checkTimer = setTimeout(check, CHECK_DELAY_MS);
    }

    holder.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || button.disabled) { return; }
      if (button.closest(".ora-rubric-reuse")) { reuse.click(button); return; }
      if (button.classList.contains("ora-add")) { editor.lists.add(button); }
      if (button.classList.contains("ora-remove")) { editor.lists.remove(button); }
      if (button.classList.contains("ora-move-up")) { editor.lists.move(button, -1); }
      if (button.classList.contains("ora-move-down")) { editor.lists.move(button, 1); }
    });
    holder.addEventListener("input", function (event) {
      editor.lists.labelTyped(event.target);
      changed();
    });
    holder.addEventListener("change", changed);
    holder.addEventListener("dragstart", editor.lists.startDrag);
    holder.addEventListener("dragover", editor.lists.dragOver);
    holder.addEventListener("drop", function (event) { event.preventDefault(); editor.lists.endDrag(); });
    holder.addEventListener("dragend", editor.lists.endDrag);
    /* Save keeps the form, unless only the OLX was edited: then it keeps the OLX, as "Save the OLX" does. */
    root.querySelector(".ora-save").addEventListener("click", function () {
      if (olxEdited && !formEdited) { saveOlx(); } else { save(); }
    });
    olx.addEventListener("input", function () { olxEdited = true; });
    root.querySelector(".ora-save-olx").addEventListener("click", saveOlx);
    root.querySelector(".ora-cancel").addEventListener("click", function () { notify("cancel"); });
    closeButton.addEventListener("click", close);
    prepare();
  }

  OraXBlock.studio = { start: start };
}(window.OraXBlock = window.OraXBlock || {}));

/* The runtime calls the init function by its name on window (see OraXBlockLearner in learner.js): this is the
 * editor's entry point. */
window.OraXBlockStudio = function (runtime, element) {
  "use strict";
  window.OraXBlock.studio.start(runtime, element);
};
