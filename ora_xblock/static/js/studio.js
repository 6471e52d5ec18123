/* The author's editor. The form is read back as the editor's JSON (definition.codec) and the
 * server's validator judges it; each error is shown next to its field and in a summary. */
function OraXBlockStudio(runtime, element) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var gettext = OraI18n.gettext;
  var holder = root.querySelector(".ora-form-holder");
  var summary = root.querySelector(".ora-studio-summary");
  var advice = root.querySelector(".ora-studio-advice");
  var status = root.querySelector(".ora-studio-status");
  var olx = root.querySelector(".ora-olx");
  var closeButton = root.querySelector(".ora-close");
  var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
  var shownSection = tabs[0].dataset.section;  // kept when a save renders the form again
  var urls = {
    save: runtime.handlerUrl(element, "save_editor"),
    check: runtime.handlerUrl(element, "check_editor"),
    olx: runtime.handlerUrl(element, "save_definition")
  };
  var fields = {};  // editor path -> the element holding that value, filled by collect()
  var rechecking = false;  // after a refused save, every change is judged again
  var formEdited = false;  // since the form was last rendered
  var olxEdited = false;  // since the OLX was last shown
  var checkTimer = null;
  var noteCount = 0;
  var idPrefix = "ora-" + Math.random().toString(36).slice(2);
  var idCount = 0;
  var dragged = null;

  function form() { return holder.querySelector(".ora-studio-form"); }
  function items(list) { return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-item]")); }
  function own(item, selector) {
    return Array.prototype.filter.call(item.querySelectorAll(selector), function (node) {
      return node.closest("[data-item]") === item;
    });
  }
  function announce(message) { status.textContent = message; }
  function notify(name, data) { if (runtime.notify) { runtime.notify(name, data || {}); } }

  // Sections: WAI-ARIA tabs, one panel shown at a time. Hidden panels stay in the form, so collect() reads them.

  function panels() { return Array.prototype.slice.call(root.querySelectorAll("[role=tabpanel]")); }
  function sectionOf(node) {
    var panel = node && node.closest("[role=tabpanel]");
    return panel ? panel.dataset.section : null;
  }

  function showSection(key, focusTab) {
    shownSection = key;
    tabs.forEach(function (tab) {
      var selected = tab.dataset.section === key;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focusTab) { tab.focus(); }
    });
    panels().forEach(function (panel) { panel.hidden = panel.dataset.section !== key; });
  }

  function tabKey(event) {
    var index = tabs.indexOf(event.target.closest("[role=tab]"));
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (index === -1 || next === undefined) { return; }
    event.preventDefault();
    showSection(tabs[(next + tabs.length) % tabs.length].dataset.section, true);
  }

  /* Each tab counts the errors and the suggestions shown in its section, in words as well as colour. */
  function countInTabs(counts) {
    tabs.forEach(function (tab) {
      var count = counts[tab.dataset.section] || { error: 0, warning: 0 };
      var errors = tab.querySelector(".ora-tab-errors");
      var warnings = tab.querySelector(".ora-tab-warnings");
      errors.textContent = gettext("Errors: {count}").replace("{count}", count.error);
      warnings.textContent = gettext("Suggestions: {count}").replace("{count}", count.warning);
      errors.hidden = !count.error;
      warnings.hidden = !count.warning;
    });
  }

  // Dates: shown in the author's time zone, sent in UTC.

  function pad(number) { return String(number).padStart(2, "0"); }
  function toLocal(iso) {
    var date = new Date(iso);
    if (isNaN(date)) { return ""; }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }
  function toUtc(local) {
    var date = new Date(local);
    return isNaN(date) ? local : date.toISOString().replace(".000Z", "Z");
  }

  // Reading the form as the editor's JSON

  function valueOf(input) {
    var text = input.value;
    switch (input.dataset.type) {
      case "bool": return input.checked;
      case "int": return /^\s*-?\d+\s*$/.test(text) ? parseInt(text, 10) : text;
      case "date":
        if (input.dataset.utc && text === input.dataset.shown) { return input.dataset.utc; }  // untouched: as stored
        return text ? toUtc(text) : null;
      case "list": return text.split(",").map(function (part) { return part.trim(); }).filter(Boolean);
      case "optional": return text === "" ? null : text;
      case "asked": return form().querySelector(".ora-ask-feedback").checked ? text : null;
      default: return text;
    }
  }

  function read(node, target, path) {
    Array.prototype.forEach.call(node.children, function (child) {
      var data = child.dataset;
      if (child.tagName === "TEMPLATE" || child.classList.contains("ora-templates")) { return; }
      if (data.key !== undefined && child.matches("input, select, textarea")) {
        target[data.key] = valueOf(child);
        fields[path + data.key] = child;
      } else if (data.object) {
        target[data.object] = {};
        fields[path + data.object] = child;
        read(child, target[data.object], path + data.object + "/");
      } else if (data.list) {
        fields[path + data.list] = child;
        target[data.list] = readList(child, path + data.list);
      } else if (data.type === "choice") {
        var picked = child.querySelector("input[type=radio]:checked");
        target[data.key] = picked ? picked.value : null;
        fields[path + data.key] = child;
      } else {
        read(child, target, path);
      }
    });
  }

  function readList(list, path) {
    var values = [];
    items(list).forEach(function (item) {
      if (item.dataset.step && !item.querySelector(".ora-step-enabled").checked) { return; }
      var here = path + "[" + (values.length + 1) + "]";
      var value = item.dataset.step ? { name: item.dataset.step } : {};
      fields[here] = item;
      read(item, value, here + "/");
      if (item.dataset.item === "example") { readExample(item, value, here); }
      values.push(value);
    });
    return values;
  }

  function readExample(item, value, path) {
    var parts = own(item, "[data-part]").map(function (area) { return area.value; });
    while (parts.length > 1 && parts[parts.length - 1] === "") { parts.pop(); }
    value.answer = parts;
    value.options_selected = {};
    own(item, "select[data-criterion]").forEach(function (select) {
      if (select.value) { value.options_selected[select.dataset.criterion] = select.value; }
    });
    fields[path + "/answer"] = item.querySelector(".ora-example-answer");
    fields[path + "/options_selected"] = item.querySelector(".ora-example-selections");
  }

  function collect() {
    fields = {};
    var definition = {};
    read(form(), definition, "");
    return { definition: definition };
  }

  // The validator's verdicts, next to their fields and in the summary

  /* A control is described by its hint (data-hints) and then by the verdicts on it (data-notes). */
  function describe(control) {
    var ids = [control.dataset.hints, control.dataset.notes].filter(Boolean).join(" ");
    if (ids) { control.setAttribute("aria-describedby", ids); } else { control.removeAttribute("aria-describedby"); }
  }

  function clearNotes() {
    root.querySelectorAll(".ora-field-error, .ora-field-warning").forEach(function (note) { note.remove(); });
    root.querySelectorAll("[data-notes]").forEach(function (control) {
      control.removeAttribute("aria-invalid");
      delete control.dataset.notes;
      describe(control);
    });
    summary.hidden = true;
    advice.hidden = true;
    countInTabs({});
  }

  function placeOf(path) {
    while (path) {
      if (fields[path]) { return fields[path]; }
      path = path.replace(/(\/[^/]*|\[\d+\])$/, "");
    }
    return null;
  }

  function annotate(target, message, kind) {
    var note = document.createElement("p");
    note.className = "ora-field-" + kind;
    note.id = idPrefix + "-note-" + (++noteCount);
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
        showSection(sectionOf(placed.control) || shownSection, false);
        placed.control.focus();
        placed.control.scrollIntoView({ block: "center" });
      });
      item.appendChild(link);
    } else {
      item.textContent = message;
    }
    list.appendChild(item);
  }

  function showVerdicts(errors, warnings, focusSummary, inForm) {
    clearNotes();
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
      count("error", inForm ? sectionOf(target) : "advanced");  // a refused OLX is the Advanced section's
    });
    (warnings || []).forEach(function (warning) {
      var target = placeOf(warning.field);
      summaryItem(adviceList, warning.text, target ? annotate(target, warning.text, "warning") : null);
      count("warning", sectionOf(target));
    });
    countInTabs(counts);
    summary.querySelector(".ora-summary-heading").textContent =
      gettext("The problem was not saved. Errors to correct: {count}").replace("{count}", errors.length);
    summary.hidden = !errors.length;
    advice.hidden = !(warnings && warnings.length);
    if (focusSummary && errors.length) { summary.focus(); }
  }

  // Saving and checking

  function replaceForm(html) {
    holder.innerHTML = html;
    prepare();
  }

  /* Studio closes its editor as soon as it hears "save end" (cms.runtime.v1.js), so that waits until the
   * author has seen any suggestions and chosen to close. */
  function saved(body) {
    replaceForm(body.form);
    olx.value = body.olx;
    formEdited = olxEdited = false;
    collect();
    showVerdicts([], body.warnings, false, true);
    rechecking = false;
    if (!(body.warnings && body.warnings.length)) {
      announce(gettext("Saved."));
      close();
      return;
    }
    advice.querySelector(".ora-advice-saved").hidden = false;
    closeButton.closest(".action-item").hidden = false;
    announce(gettext("Saved. Look at the suggestions, then close the editor."));
    advice.focus();
  }

  function close() {
    notify("save", { state: "start" });
    notify("save", { state: "end" });
  }

  function refused(result, inForm) {
    var error = result.body.error || {};
    announce(error.message || gettext("The problem was not saved."));
    showVerdicts(error.errors || [{ message: error.message || gettext("The problem was not saved.") }], [], true, inForm);
    notify("error", { title: gettext("The problem was not saved."), message: error.message || "" });
  }

  function unreachable() {
    announce(gettext("The problem was not saved: the server could not be reached."));
    notify("error", { title: gettext("The problem was not saved."), message: "" });
  }

  function save() {
    announce(gettext("Saving…"));
    advice.querySelector(".ora-advice-saved").hidden = true;
    OraHttp.post(urls.save, collect()).then(function (result) {
      if (result.ok) { saved(result.body); return; }
      rechecking = true;
      refused(result, true);
    }).catch(unreachable);
  }

  function saveOlx() {
    announce(gettext("Saving…"));
    advice.querySelector(".ora-advice-saved").hidden = true;
    OraHttp.post(urls.olx, { olx: olx.value }).then(function (result) {
      if (result.ok) { saved(result.body); return; }
      refused(result, false);
    }).catch(unreachable);
  }

  function check() {
    OraHttp.post(urls.check, collect()).then(function (result) {
      if (result.ok) {
        showVerdicts([], result.body.warnings, false, true);
        announce(gettext("No errors left. Save to keep your changes."));
      } else if (result.body.error && result.body.error.errors) {
        showVerdicts(result.body.error.errors, [], false, true);
      }
    }).catch(function () { /* judged again on the next change or save */ });
  }

  function changed() {
    formEdited = true;
    refresh();
    if (!rechecking) { return; }
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 500);
  }

  // Editing the lists: add, remove, move, drag

  function renumber() {
    form().querySelectorAll("[data-list]").forEach(function (list) {
      items(list).forEach(function (item, index) {
        var number = String(index + 1);
        own(item, "[data-label]").forEach(function (node) {
          if (node.classList.contains("ora-example-answer") || node.classList.contains("ora-example-selections")) { return; }
          var text = node.dataset.label.replace("{number}", number);
          if (node.tagName === "BUTTON") { node.setAttribute("aria-label", text); } else { node.textContent = text; }
        });
      });
    });
  }

  function slug(text, fallback) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || fallback;
  }

  function uniqueName(item, base) {
    var taken = items(item.parentElement).filter(function (other) { return other !== item; }).map(function (other) {
      var input = own(other, "[data-key=name]")[0];
      return input ? input.value : "";
    });
    var name = base;
    for (var n = 2; taken.indexOf(name) !== -1; n++) { name = base + "-" + n; }
    return name;
  }

  function add(button) {
    var kind = button.dataset.add;
    var list = button.parentElement.querySelector(":scope > [data-list]");
    var item = form().querySelector("template[data-template=" + kind + "]").content.firstElementChild.cloneNode(true);
    list.appendChild(item);
    var name = own(item, "[data-key=name]")[0];
    if (name) {
      name.dataset.auto = "true";
      name.value = uniqueName(item, kind + "-" + items(list).length);
    }
    changed();
    var first = item.querySelector("input:not([type=hidden]), textarea, select");
    if (first) { first.focus(); }
    announce(gettext("Added. Fill in the new fields."));
  }

  function remove(button) {
    var item = button.closest("[data-item]");
    var list = item.parentElement;
    var siblings = items(list);
    var next = siblings[siblings.indexOf(item) + 1] || siblings[siblings.indexOf(item) - 1];
    item.remove();
    changed();
    var focus = next ? own(next, ".ora-remove")[0] : list.parentElement.querySelector(":scope > .ora-add");
    if (focus) { focus.focus(); }
    announce(gettext("Removed."));
  }

  function move(button, offset) {
    var item = button.closest("[data-item]");
    var siblings = items(item.parentElement);
    var position = siblings.indexOf(item) + offset;
    if (position < 0 || position >= siblings.length) {
      announce(offset < 0 ? gettext("Already first.") : gettext("Already last."));
      return;
    }
    item.parentElement.insertBefore(item, offset < 0 ? siblings[position] : siblings[position].nextSibling);
    button.focus();
    changed();
    announce(gettext("Moved to position {position} of {count}.")
      .replace("{position}", position + 1).replace("{count}", siblings.length));
  }

  function startDrag(event) {
    var handle = event.target.closest && event.target.closest(".ora-drag-handle");
    var item = handle && handle.closest(".ora-step-item");
    if (!item || handle.getAttribute("draggable") !== "true") { return; }
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.step);
  }

  function dragOver(event) {
    var over = event.target.closest && event.target.closest(".ora-step-item");
    if (!dragged || !over || over === dragged) { return; }
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
  }

  function endDrag() {
    if (!dragged) { return; }
    dragged = null;
    changed();
    announce(gettext("Step order changed."));
  }

  // Keeping derived parts up to date: totals, training example selections, toggles

  function rubricCriteria() {
    return items(form().querySelector("[data-list=criteria]")).map(function (item) {
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

  function refreshExamples(criteria) {
    var prompts = items(form().querySelector("[data-list=prompts]")).length;
    form().querySelectorAll(".ora-example-item").forEach(function (example) {
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
    if (!control.id) { control.id = idPrefix + "-" + (++idCount); }
    label.htmlFor = control.id;
  }

  /* Label and name: each pair is described by the hint that tells them apart, and an empty label shows,
   * greyed, the name learners will see instead. */
  function refreshNaming() {
    form().querySelectorAll(".ora-criterion-item").forEach(function (criterion) {
      hint(criterion, own(criterion, ".ora-naming-hint")[0]);
      criterion.querySelectorAll(".ora-option-item").forEach(function (option) {
        hint(option, own(criterion, ".ora-options-hint")[0]);
      });
    });
  }

  function hint(item, note) {
    if (!note.id) { note.id = idPrefix + "-hint-" + (++idCount); }
    var label = own(item, "[data-key=label]")[0];
    var name = own(item, "[data-key=name]")[0];
    label.placeholder = name.value;
    [label, name].forEach(function (control) {
      control.dataset.hints = note.id;
      describe(control);
    });
  }

  function refresh() {
    form().querySelectorAll(".ora-field").forEach(linkLabel);
    renumber();
    refreshNaming();
    var criteria = rubricCriteria();
    form().querySelector(".ora-total-points").textContent = criteria.reduce(function (total, criterion) {
      return total + criterion.options.reduce(function (best, option) { return Math.max(best, option.points); }, 0);
    }, 0);
    refreshExamples(criteria);
    var ask = form().querySelector(".ora-ask-feedback");
    form().querySelector("[data-key=feedback_prompt]").disabled = !ask.checked;
    form().querySelectorAll(".ora-step-item").forEach(function (step) {
      step.querySelector(".ora-step-body").hidden = !step.querySelector(".ora-step-enabled").checked;
    });
    refreshDates();
  }

  /* When the platform owns the dates (the subsection's, or the course's), the dates set here are kept but
   * unused: their inputs are disabled, and a note says why. */
  function refreshDates() {
    var picked = form().querySelector("[data-key=date_config_type] input:checked");
    var mode = picked ? picked.value : "manual";
    form().querySelectorAll("input[data-type=date]").forEach(function (input) { input.disabled = mode !== "manual"; });
    form().querySelectorAll("[data-dates-note]").forEach(function (note) { note.hidden = note.dataset.datesNote !== mode; });
  }

  function prepare() {
    form().querySelectorAll("[data-type=date]").forEach(function (input) {
      if (input.dataset.utc) {
        input.value = toLocal(input.dataset.utc);
        input.dataset.shown = input.value;
      }
    });
    var zone = (window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || "UTC";
    form().querySelector(".ora-timezone").textContent =
      gettext("Dates and times are in your time zone, {zone}; they are stored in UTC.").replace("{zone}", zone);
    refresh();
    showSection(shownSection, false);
  }

  // Wiring

  holder.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) { return; }
    if (button.classList.contains("ora-add")) { add(button); }
    if (button.classList.contains("ora-remove")) { remove(button); }
    if (button.classList.contains("ora-move-up")) { move(button, -1); }
    if (button.classList.contains("ora-move-down")) { move(button, 1); }
  });
  holder.addEventListener("input", function (event) {
    var input = event.target;
    if (input.dataset.key === "name") { delete input.dataset.auto; }
    if (input.dataset.key === "label") {
      var item = input.closest("[data-item]");
      var name = item && own(item, "[data-key=name]")[0];
      if (name && name.dataset.auto) { name.value = uniqueName(item, slug(input.value, item.dataset.item)); }
    }
    changed();
  });
  holder.addEventListener("change", changed);
  holder.addEventListener("dragstart", startDrag);
  holder.addEventListener("dragover", dragOver);
  holder.addEventListener("drop", function (event) { event.preventDefault(); endDrag(); });
  holder.addEventListener("dragend", endDrag);
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { showSection(tab.dataset.section, true); });
    tab.addEventListener("keydown", tabKey);
  });
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
