/* Course staff's area: each tool posts to a staff handler, which answers with the section to show.
 * Focus moves to the section's heading and the status line announces what happened. */
function OraStaffArea(runtime, element, area) {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var work = area.querySelector(".ora-staff-work");
  var errors = area.querySelector(".ora-staff-errors");
  var live = element.jquery ? element[0].querySelector(".ora-live") : element.querySelector(".ora-live");
  var gradebookFilters = {};
  var POLL_MS = 2000;  // while reports are being generated, the list refreshes itself

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function showErrors(result) {
    errors.textContent = "";
    var error = (result.body && result.body.error) || {};
    var items = error.errors && error.errors.length ? error.errors : [{ message: error.message || gettext("Something went wrong. Try again.") }];
    items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.textContent = item.message;
      errors.appendChild(entry);
    });
    announce(error.message || items[0].message);
  }

  /* Post to a staff handler and show the section it answers; ``quiet`` (a refresh) leaves focus alone. */
  function send(name, body, quiet) {
    errors.textContent = "";
    return OraHttp.post(runtime.handlerUrl(element, name), body).then(function (result) {
      if (!result.ok) { showErrors(result); return; }
      work.innerHTML = result.body.html;
      bind();
      var heading = work.querySelector("[data-ora-focus]");
      if (heading && !quiet) { heading.focus(); }
      if (result.body.message) { announce(result.body.message); }
    }).catch(function () { showErrors({ body: {} }); });
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
        send(form.dataset.staffForm, body);
      });
    });
    work.querySelectorAll("form.ora-rubric-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form.getAttribute("data-ora-action"), OraRubric.read(form));
      });
    });
    var pending = work.querySelector("[data-staff-poll]");
    if (pending) {
      window.setTimeout(function () {
        if (work.contains(pending)) { send("staff_reports", {}, true); }
      }, POLL_MS);
    }
    work.querySelectorAll("[data-staff-page]").forEach(function (button) {
      button.addEventListener("click", function () {
        send("staff_gradebook", Object.assign({}, gradebookFilters, { page: Number(button.dataset.staffPage) }));
      });
    });
  }

  area.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-staff]");
    if (!button || !area.contains(button)) { return; }
    var body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    if (button.dataset.staff === "staff_gradebook") { gradebookFilters = {}; }
    send(button.dataset.staff, body);
  });
  bind();
}
