/* OraXBlock.studioReuse(editor, url): copy the rubric of another problem of the course into the form (edx-ora2's
 * "clone a rubric"). The author asks for the list (the handler ``course_rubrics``), picks a problem, fetches its
 * rubric and confirms; the form's criteria and overall feedback are then replaced by that rubric's, and nothing is
 * stored until the author saves. ``editor`` (OraXBlock.studio) gives form(), gettext, newId(kind),
 * announce(message) and changed(). */
(function (OraXBlock) {
  "use strict";

  OraXBlock.studioReuse = function (editor, url) {
    var gettext = editor.gettext;
    var items = OraXBlock.studioForm.items;
    var own = OraXBlock.studioForm.own;
    var chosen = null;  // {title, rubric}: fetched, waiting for the author's confirmation

    function part(selector) { return editor.form().querySelector(".ora-rubric-reuse " + selector); }

    function refused(result) {
      var error = result.body && result.body.error;
      editor.announce(error && error.message ? error.message : gettext("The server could not be reached. Try again."));
    }

    /* A problem as the list shows it; a title that several problems share is followed by the problem's id. */
    function describe(problem, shared) {
      var title = problem.title || problem.id;
      if (shared) { title += " [" + problem.id.split("@").pop() + "]"; }
      return gettext("{title} (criteria: {criteria}, points: {points})")
        .replace("{title}", title).replace("{criteria}", problem.criteria).replace("{points}", problem.points);
    }

    function list() {
      editor.announce(gettext("Looking for the course's other problems…"));
      OraXBlock.http.attempt(url, {}).then(function (result) {
        if (!result.ok) { refused(result); return; }
        var problems = result.body.problems || [];
        if (!problems.length) {
          part(".ora-reuse-none").hidden = false;
          editor.announce(gettext("No other problem of this course has a rubric to copy."));
          return;
        }
        var select = part(".ora-reuse-source");
        select.textContent = "";
        var titles = problems.map(function (problem) { return problem.title; });
        problems.forEach(function (problem) {
          var shared = titles.indexOf(problem.title) !== titles.lastIndexOf(problem.title);
          select.appendChild(new Option(describe(problem, shared), problem.id));
        });
        part(".ora-reuse-pick").hidden = false;
        part(".ora-reuse-list").hidden = true;
        select.focus();
        editor.announce(gettext("Choose the problem whose rubric to copy."));
      });
    }

    function fetchRubric() {
      var select = part(".ora-reuse-source");
      OraXBlock.http.attempt(url, { item_id: select.value }).then(function (result) {
        if (!result.ok) { refused(result); return; }
        chosen = result.body;
        var current = items(editor.form().querySelector("[data-list=criteria]")).length;
        var question = part(".ora-reuse-question");
        if (!question.id) { question.id = editor.newId("reuse"); }
        part(".ora-reuse-replace").setAttribute("aria-describedby", question.id);  // read as the button gets focus
        question.textContent = gettext(
          "Replace this rubric (criteria: {current}) and its overall feedback with the rubric of “{title}” (criteria: {count})?")
          .replace("{current}", current).replace("{count}", chosen.rubric.criteria.length)
          .replace("{title}", chosen.title);
        part(".ora-reuse-confirm").hidden = false;
        part(".ora-reuse-replace").focus();
      });
    }

    /* Each control of ``item`` named by data-key takes its value from ``value``; each list in it, its items. */
    function put(item, value) {
      own(item, "[data-key]").forEach(function (control) {
        var given = value[control.dataset.key];
        if (control.type === "checkbox") { control.checked = Boolean(given); } else {
          control.value = given === null || given === undefined ? "" : String(given);
        }
      });
      own(item, "[data-list]").forEach(function (nested) { fill(nested, value[nested.dataset.list] || []); });
    }

    /* The items of ``list`` replaced by new ones (from the form's templates) holding ``values``. */
    function fill(list, values) {
      var kind = list.parentElement.querySelector(":scope > .ora-add").dataset.add;
      var template = editor.form().querySelector("template[data-template=" + kind + "]");
      items(list).forEach(function (item) { item.remove(); });
      values.forEach(function (value) {
        var item = template.content.firstElementChild.cloneNode(true);
        list.appendChild(item);
        put(item, value);
      });
    }

    function replace() {
      var form = editor.form();
      var rubric = chosen.rubric;
      var criteria = form.querySelector("[data-list=criteria]");
      fill(criteria, rubric.criteria);
      form.querySelector(".ora-ask-feedback").checked = rubric.feedback_prompt !== null;
      form.querySelector("[data-key=feedback_prompt]").value = rubric.feedback_prompt || "";
      form.querySelector("[data-key=feedback_default_text]").value = rubric.feedback_default_text || "";
      part(".ora-reuse-confirm").hidden = true;
      editor.changed();
      var first = criteria.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
      editor.announce(gettext("The rubric of “{title}” is copied. Save to keep it.").replace("{title}", chosen.title));
      chosen = null;
    }

    function keep() {
      chosen = null;
      part(".ora-reuse-confirm").hidden = true;
      part(".ora-reuse-copy").focus();
      editor.announce(gettext("The rubric was not changed."));
    }

    /* A button of the reuse control was pressed. */
    function click(button) {
      if (button.classList.contains("ora-reuse-list")) { list(); }
      if (button.classList.contains("ora-reuse-copy")) { fetchRubric(); }
      if (button.classList.contains("ora-reuse-replace") && chosen) { replace(); }
      if (button.classList.contains("ora-reuse-cancel")) { keep(); }
    }

    return { click: click };
  };
}(window.OraXBlock = window.OraXBlock || {}));
