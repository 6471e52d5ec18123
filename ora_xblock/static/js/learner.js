/* The learner's page: autosave, submit with confirmation, rubric forms; course staff also get the staff area.
 * Every action posts to a handler, which answers with the re-rendered page; focus moves to the
 * new step and a status line announces what happened. Each block on a page works on its own element. */
function OraXBlockLearner(runtime, element) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var live = root.querySelector(".ora-live");
  var content = root.querySelector(".ora-content");
  var gettext = OraI18n.gettext;
  var AUTOSAVE_DELAY_MS = 1500;
  var editors = [];
  var saveTimer = null;

  function handler(name) { return runtime.handlerUrl(element, name); }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function show(html, message, area) {
    content.innerHTML = html;
    bind();
    var scope = (area && content.querySelector(area)) || content;
    var target = scope.querySelector("[data-ora-focus]") || scope.querySelector("h3") || content.querySelector(".ora-title");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
    if (message) { announce(message); }
  }

  function showErrors(list, result) {
    announce(OraHttp.listErrors(list, result, gettext("Something went wrong. Try again.")));
  }

  function send(name, body, list, message, area) {
    return OraHttp.post(handler(name), body).then(function (result) {
      if (result.ok && result.body.html !== undefined) {
        show(result.body.html, message, area);
      } else if (!result.ok && list) {
        showErrors(list, result);
      }
      return result;
    }).catch(function () {
      if (list) { showErrors(list, { body: {} }); }
    });
  }

  /* The response form: one editor per prompt, autosaved. */

  function answers() { return editors.map(function (editor) { return editor.getValue(); }); }

  function bindResponse(form) {
    var status = form.querySelector(".ora-draft-status");
    var errors = form.querySelector(".ora-errors");
    var dialog = content.querySelector(".ora-confirm");
    form.querySelectorAll(".ora-answer").forEach(function (textarea) {
      var label = form.querySelector("label[for='" + textarea.id + "']");
      editors.push(OraEditor.attach(textarea, {
        rich: textarea.getAttribute("data-rich") === "true",
        label: label ? label.textContent.trim() : "",
        onChange: function () {
          status.textContent = gettext("Not saved yet");
          window.clearTimeout(saveTimer);
          saveTimer = window.setTimeout(saveDraft, AUTOSAVE_DELAY_MS);
        }
      }));
    });

    function saveDraft() {
      status.textContent = gettext("Saving…");
      return OraHttp.post(handler("save_draft"), { answers: answers() }).then(function (result) {
        if (result.ok) {
          status.textContent = gettext("Draft saved");
          errors.textContent = "";
        } else {
          status.textContent = gettext("Not saved");
          showErrors(errors, result);
        }
      }).catch(function () { status.textContent = gettext("Not saved: the server could not be reached"); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (dialog && dialog.showModal) { dialog.showModal(); } else { submitNow(); }
    });
    if (dialog) {
      dialog.querySelector(".ora-confirm-yes").addEventListener("click", function () { dialog.close(); submitNow(); });
      dialog.querySelector(".ora-confirm-no").addEventListener("click", function () { dialog.close(); });
    }

    function submitNow() {
      window.clearTimeout(saveTimer);
      send("submit", { answers: answers() }, errors, gettext("Your response was submitted."));
    }
  }

  /* Files: upload with a progress bar, remove before submitting. */

  function bindFiles(fieldset) {
    var errors = fieldset.querySelector(".ora-file-errors");
    var progress = fieldset.querySelector(".ora-upload-progress");
    var button = fieldset.querySelector(".ora-upload");
    if (button) {
      button.addEventListener("click", function () {
        var input = fieldset.querySelector(".ora-file-input");
        var description = fieldset.querySelector(".ora-file-description-input");
        if (!input.files.length) {
          showErrors(errors, { body: { error: { message: gettext("Choose a file first.") } } });
          return;
        }
        var file = input.files[0];
        var start = { filename: file.name, description: description.value, size: file.size };
        OraHttp.post(handler("upload_start"), start).then(function (result) {
          if (!result.ok) { showErrors(errors, result); return; }
          var direct = result.body.direct;
          var form = new FormData();
          if (direct) {
            Object.keys(direct.fields).forEach(function (name) { form.append(name, direct.fields[name]); });
            form.append("file", file);
            sendWithProgress(direct.url, form, false, function (ok) {
              if (!ok) {
                showErrors(errors, { body: { error: { message: gettext("The upload failed. Try again.") } } });
                return;
              }
              send("upload_confirm", { file_id: direct.file_id }, errors, gettext("The file was uploaded."), ".ora-files");
            });
          } else {
            form.append("file", file);
            form.append("description", description.value);
            sendWithProgress(handler("upload_file"), form, true, function (ok, body) {
              if (ok && body.html !== undefined) {
                show(body.html, gettext("The file was uploaded."), ".ora-files");
              } else {
                showErrors(errors, { body: body });
              }
            });
          }
        });
      });
    }

    function sendWithProgress(url, form, withCsrf, done) {
      var request = new XMLHttpRequest();
      request.open("POST", url);
      if (withCsrf) { request.setRequestHeader("X-CSRFToken", OraHttp.csrfToken()); }
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { progress.hidden = false; progress.value = Math.round(100 * event.loaded / event.total); }
      });
      request.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
        progress.hidden = true;
        done(request.status >= 200 && request.status < 300, body);
      });
      request.addEventListener("error", function () {
        progress.hidden = true;
        done(false, {});
      });
      request.send(form);
    }

    fieldset.querySelectorAll(".ora-remove-file").forEach(function (remove) {
      remove.addEventListener("click", function () {
        send("remove_file", { file_id: Number(remove.getAttribute("data-file")) }, errors, gettext("The file was removed."), ".ora-files");
      });
    });
  }

  /* Rubric forms: self assessment, peer review and training. */

  function bindRubric(form) {
    var errors = form.querySelector(".ora-errors");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form.getAttribute("data-ora-action"), OraRubric.read(form), errors, gettext("Your assessment was submitted."));
    });
  }

  function bind() {
    editors = [];
    var form = content.querySelector(".ora-response-form");
    if (form) { bindResponse(form); }
    var fileset = content.querySelector(".ora-files");
    if (fileset) { bindFiles(fileset); }
    content.querySelectorAll(".ora-rubric-form").forEach(bindRubric);
    var withdraw = content.querySelector(".ora-withdraw");
    if (withdraw) {
      withdraw.addEventListener("click", function () {
        send("withdraw", {}, content.querySelector(".ora-errors"), gettext("Your response is a draft again. Edit it and submit when ready."));
      });
    }
    content.querySelectorAll(".ora-peer-next").forEach(function (button) {
      button.addEventListener("click", function () { askForReview(); });
    });
    var auto = content.querySelector(".ora-peer-next[data-ora-auto]");
    if (auto && !askedAutomatically) {
      askedAutomatically = true;
      askForReview();
    }
  }

  var askedAutomatically = false;

  function askForReview() {
    var errors = content.querySelector(".ora-peer .ora-errors") || content.querySelector(".ora-errors");
    OraHttp.post(handler("peer_next"), {}).then(function (result) {
      if (result.ok) {
        show(result.body.html, result.body.message || gettext("Here is a response to review."));
      } else if (errors) {
        showErrors(errors, result);
      } else {
        announce((result.body.error && result.body.error.message) || gettext("Something went wrong. Try again."));
      }
    }).catch(function () { announce(gettext("The server could not be reached. Try again.")); });
  }

  bind();
  var staffArea = root.querySelector(".ora-staff-area");
  if (staffArea) { OraStaffArea(runtime, element, staffArea); }
}
