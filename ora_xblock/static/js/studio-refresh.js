/* OraXBlock.studioRefresh(editor): the parts of the form that follow from the rest, kept up to date after each
 * edit: numbers and labels, the total points, the training examples' answers and selections, the steps' and the
 * feedback prompt's toggles, and the dates the platform may own.
 * ``editor`` (OraXBlock.studio) gives form(), gettext, newId(kind), lists (OraXBlock.studioLists) and verdicts
 * (OraXBlock.studioVerdicts). */
(function (OraXBlock) {
  "use strict";

  OraXBlock.studioRefresh = function (editor) {
    var gettext = editor.gettext;
    var items = OraXBlock.studioForm.items;
    var own = OraXBlock.studioForm.own;

    function rubricCriteria() {
      return items(editor.form().querySelector("[data-list=criteria]")).map(function (item) {
        return {
          name: own(item, "[data-key=name]")[0].value,
          label: own(item, "[data-key=label]")[0].value,
          options: items(item.querySelector("[data-list=options]")).map(function (option) {
            return {
              name: option.querySelector("[data-key=name]").value,
              label: option.querySelector("[data-key=label]").value,
              points: parseInt(option.querySelector("[data-key=points]").value, 10) || 0
            };
          })
        };
      });
    }

    /* Each example has an answer box per prompt and a choice per criterion that has options. Choices made are
     * kept as the rubric changes, and the choices are not rebuilt while the author is in them. */
    function refreshExamples(criteria) {
      var prompts = items(editor.form().querySelector("[data-list=prompts]")).length;
      editor.form().querySelectorAll(".ora-example-item").forEach(function (example) {
        var answer = example.querySelector(".ora-example-answer");
        while (answer.querySelectorAll("[data-part]").length < Math.max(prompts, 1)) {
          var area = document.createElement("textarea");
          area.rows = 3;
          area.dataset.part = "";
          answer.appendChild(field("", area, "ora-wide"));
        }
        answer.querySelectorAll(".ora-field-label").forEach(function (label, index) {
          label.textContent = answer.dataset.label.replace("{number}", index + 1);
        });
        var selections = example.querySelector(".ora-example-selections");
        var chosen = selections.dataset.selected ? JSON.parse(selections.dataset.selected) : {};
        selections.querySelectorAll("select[data-criterion]").forEach(function (select) {
          chosen[select.dataset.criterion] = select.value;
        });
        selections.dataset.selected = "";
        var focused = document.activeElement && selections.contains(document.activeElement);
        if (focused) { return; }
        selections.textContent = "";
        criteria.filter(function (criterion) { return criterion.options.length; }).forEach(function (criterion) {
          var select = document.createElement("select");
          select.dataset.criterion = criterion.name;
          select.appendChild(new Option(gettext("Choose an option"), ""));
          criterion.options.forEach(function (option) {
            select.appendChild(new Option(option.label || option.name, option.name));
          });
          select.value = chosen[criterion.name] || "";
          var text = selections.dataset.label.replace("{criterion}", criterion.label || criterion.name);
          selections.appendChild(field(text, select, ""));
        });
      });
    }

    function field(text, control, extra) {
      var wrapper = document.createElement("div");
      wrapper.className = ("ora-field " + extra).trim();
      var label = document.createElement("label");
      label.className = "ora-field-label";
      label.textContent = text;
      wrapper.appendChild(label);
      wrapper.appendChild(control);
      linkLabel(wrapper);
      return wrapper;
    }

    function linkLabel(wrapper) {
      var label = wrapper.querySelector(":scope > label");
      var control = wrapper.querySelector("input, select, textarea");
      if (!control.id) { control.id = editor.newId(""); }
      label.htmlFor = control.id;
    }

    /* Label and name: each pair is described by the hint that tells them apart, and an empty label shows,
     * greyed, the name learners will see instead. */
    function refreshNaming() {
      editor.form().querySelectorAll(".ora-criterion-item").forEach(function (criterion) {
        hint(criterion, own(criterion, ".ora-naming-hint")[0]);
        criterion.querySelectorAll(".ora-option-item").forEach(function (option) {
          hint(option, own(criterion, ".ora-options-hint")[0]);
        });
      });
    }

    function hint(item, note) {
      if (!note.id) { note.id = editor.newId("hint"); }
      var label = own(item, "[data-key=label]")[0];
      var name = own(item, "[data-key=name]")[0];
      label.placeholder = name.value;
      [label, name].forEach(function (control) {
        control.dataset.hints = note.id;
        editor.verdicts.describe(control);
      });
    }

    /* When the platform owns the dates (the subsection's, or the course's), the dates set here are kept but
     * unused: their inputs are disabled, and a note says why. */
    function refreshDates() {
      var picked = editor.form().querySelector("[data-key=date_config_type] input:checked");
      var mode = picked ? picked.value : "manual";
      editor.form().querySelectorAll("input[data-type=date]").forEach(function (input) { input.disabled = mode !== "manual"; });
      editor.form().querySelectorAll("[data-dates-note]").forEach(function (note) { note.hidden = note.dataset.datesNote !== mode; });
    }

    function refresh() {
      var form = editor.form();
      form.querySelectorAll(".ora-field").forEach(linkLabel);
      editor.lists.renumber();
      refreshNaming();
      var criteria = rubricCriteria();
      form.querySelector(".ora-total-points").textContent = criteria.reduce(function (total, criterion) {
        return total + criterion.options.reduce(function (best, option) { return Math.max(best, option.points); }, 0);
      }, 0);
      refreshExamples(criteria);
      var ask = form.querySelector(".ora-ask-feedback");
      form.querySelector("[data-key=feedback_prompt]").disabled = !ask.checked;
      form.querySelectorAll(".ora-step-item").forEach(function (step) {
        step.querySelector(".ora-step-body").hidden = !step.querySelector(".ora-step-enabled").checked;
      });
      refreshDates();
    }

    /* A form just rendered: its dates in the author's zone (OraXBlock.when), and everything derived. */
    function prepare() {
      var form = editor.form();
      form.querySelectorAll("[data-type=date]").forEach(function (input) {
        if (input.dataset.utc) {
          input.value = OraXBlock.when.toLocal(input.dataset.utc);
          input.dataset.shown = input.value;
        }
      });
      var zone = (window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || "UTC";
      form.querySelector(".ora-timezone").textContent =
        gettext("Dates and times are in your time zone, {zone}; they are stored in UTC.").replace("{zone}", zone);
      refresh();
    }

    return { refresh: refresh, prepare: prepare };
  };
}(window.OraXBlock = window.OraXBlock || {}));
