/* OraXBlock.staff.start(runtime, element, area, typeset): course staff's area. Each tool posts to a staff handler,
 * which answers with the section to show. Focus moves to the section's heading and the status line announces
 * what happened. ``typeset`` (optional) typesets the math of a section just shown, where the problem allows
 * LaTeX. */
(function (OraXBlock) {
  "use strict";

  var POLL_MS = 2000;  // while reports are being generated, the list refreshes itself...
  var MAX_POLLS = 60;  // ...for two minutes at most; "Refresh the list" does it by hand

  function start(runtime, element, area, typeset) {
    var work = area.querySelector(".ora-staff-work");
    var errors = area.querySelector(".ora-staff-errors");
    var live = OraXBlock.live((element.jquery ? element[0] : element).querySelector(".ora-live"));
    var gradebookFilters = {};
    var polls = 0;
    var latest = 0;  // only the answer to the latest request is shown

    function shown(body, quiet) {
      work.innerHTML = body.html;
      bind();
      if (typeset) { typeset(work); }
      var heading = work.querySelector("[data-ora-focus]");
      if (heading && !quiet) { heading.focus(); }
      if (body.message) { live.announce(body.message); }
    }

    /* Post to a staff handler and show the section it answers. ``quiet`` (a refresh) leaves focus alone;
     * ``list`` is where a refusal is listed; ``button`` is disabled meanwhile, so a double click sends once. */
    function send(name, body, options) {
      options = options || {};
      var request = ++latest;
      if (!options.quiet) { polls = 0; }
      errors.textContent = "";
      return live.send(runtime.handlerUrl(element, name), body, {
        button: options.button,
        list: options.list || errors,
        current: function () { return request === latest; },
        shown: function (answer) { shown(answer, options.quiet); }
      });
    }

    function refreshReports() {
      var pending = work.querySelector("[data-staff-poll]");
      if (!pending || polls >= MAX_POLLS) { return; }
      polls += 1;
      window.setTimeout(function () {
        if (!work.contains(pending)) { return; }
        if (work.contains(document.activeElement) && document.activeElement !== work.querySelector("[data-ora-focus]")) {
          refreshReports();  // someone is working in the section: try again later rather than move their focus
          return;
        }
        send("staff_reports", {}, { quiet: true });
      }, POLL_MS);
    }

    function formBody(form) {
      var body = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name) { return; }
        if (field.type === "checkbox") { body[field.name] = field.checked; } else { body[field.name] = field.value; }
      });
      return body;
    }

    function bind() {
      work.querySelectorAll("form[data-staff-form]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { return; }
          var body = formBody(form);
          if (form.dataset.staffForm === "staff_gradebook") { gradebookFilters = body; }
          send(form.dataset.staffForm, body, { button: form.querySelector("[type=submit]") });
        });
      });
      work.querySelectorAll("form.ora-rubric-form").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          send(form.getAttribute("data-ora-action"), OraXBlock.rubric.read(form), {
            button: form.querySelector("[type=submit]"),
            list: form.querySelector(".ora-errors")
          });
        });
      });
      refreshReports();
      work.querySelectorAll("[data-staff-page]").forEach(function (button) {
        button.addEventListener("click", function () {
          send("staff_gradebook", Object.assign({}, gradebookFilters, { page: Number(button.dataset.staffPage) }), {
            button: button
          });
        });
      });
    }

    area.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-staff]");
      if (!button || !area.contains(button)) { return; }
      var body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
      if (button.dataset.staff === "staff_gradebook") { gradebookFilters = {}; }
      var nav = area.querySelector(".ora-staff-nav");
      if (nav.contains(button)) {
        nav.querySelectorAll("button").forEach(function (tool) { tool.removeAttribute("aria-current"); });
        button.setAttribute("aria-current", "true");
      }
      send(button.dataset.staff, body, { button: button });
    });
    bind();
  }

  OraXBlock.staff = { start: start };
}(window.OraXBlock = window.OraXBlock || {}));
