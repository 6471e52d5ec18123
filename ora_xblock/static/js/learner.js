/* The learner's page: autosave, submit with confirmation, rubric forms; course staff also get the staff area.
 * Every action posts to a handler, which answers with the re-rendered page; focus moves to the
 * new step and a status line announces what happened. Each block on a page works on its own element.
 * ``args.latex``, where the problem allows LaTeX, names the vendored KaTeX (static/js/latex.js); the math is
 * typeset again after every re-render. */
function OraXBlockLearner(runtime, element, args) {
  "use strict";
  var root = element.jquery ? element[0] : element;
  var latex = (args && args.latex) || null;
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

  function typeset(region) {
    if (latex && window.OraLatex) { OraLatex.render(region, latex); }
  }

  function show(html, message, area) {
    content.innerHTML = html;
    bind();
    typeset(content);
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
      var rich = textarea.getAttribute("data-rich") === "true";
      var preview = null;
      var editor = OraEditor.attach(textarea, {
        rich: rich,
        label: label ? label.textContent.trim() : "",
        onChange: function () {
          if (preview) { preview.hide(); }
          status.textContent = gettext("Not saved yet");
          window.clearTimeout(saveTimer);
          saveTimer = window.setTimeout(saveDraft, AUTOSAVE_DELAY_MS);
        }
      });
      editors.push(editor);
      if (latex && !textarea.disabled) { preview = mathPreview(textarea, editor, rich); }
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

  /* Where the problem allows LaTeX: a button under an answer that shows its math as it will look once submitted.
   * The preview goes away at the next change, so it never shows an older text. */
  function mathPreview(textarea, editor, rich) {
    var place = textarea.closest(".ora-prompt") || textarea.parentNode;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ora-button ora-math-preview-button";
    button.textContent = gettext("Preview the math");
    var box = document.createElement("div");
    box.className = "ora-math-preview";
    box.hidden = true;
    var title = document.createElement("p");
    title.className = "ora-field-label";
    title.textContent = gettext("Preview of your answer");
    var shown = document.createElement("div");
    shown.className = "ora-submitted-answer ora-math-preview-body";
    shown.style.whiteSpace = "pre-wrap";
    shown.setAttribute("aria-live", "polite");
    box.appendChild(title);
    box.appendChild(shown);
    place.appendChild(button);
    place.appendChild(box);
    button.addEventListener("click", function () {
      shown.textContent = rich ? textOf(editor.getValue()) : editor.getValue();
      box.hidden = false;
      typeset(shown);
    });
    return { hide: function () { box.hidden = true; } };
  }

  /* A rich answer's text, a line per paragraph or list item. It is parsed in a document of its own and only its
   * text is used, so nothing in it runs or loads. */
  function textOf(html) {
    var body = new DOMParser().parseFromString(html, "text/html").body;
    var blocks = body.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6");
    if (!blocks.length) { return body.textContent; }
    return Array.prototype.map.call(blocks, function (block) { return block.textContent; }).join("\n");
  }

  /* Files: straight to the storage where it takes them (S3); else in one request when the file fits under the
   * site's per-request limit, or in pieces under it, joined on the server. One progress bar spans the whole file;
   * a piece that fails on the way is sent again. */

  var RETRIES = 2;
  var RETRY_DELAY_MS = 1000;

  function bindFiles(fieldset) {
    var errors = fieldset.querySelector(".ora-file-errors");
    var progress = fieldset.querySelector(".ora-upload-progress");
    var button = fieldset.querySelector(".ora-upload");
    var percent = null;
    if (button) {
      percent = document.createElement("span");
      percent.className = "ora-upload-percent";
      percent.style.marginInlineStart = "0.5em";
      percent.hidden = true;
      progress.insertAdjacentElement("afterend", percent);
      button.addEventListener("click", function () {
        var input = fieldset.querySelector(".ora-file-input");
        var description = fieldset.querySelector(".ora-file-description-input");
        if (!input.files.length) {
          showErrors(errors, { body: { error: { message: gettext("Choose a file first.") } } });
          return;
        }
        upload(input.files[0], description.value);
      });
    }

    function upload(file, description) {
      var details = { filename: file.name, description: description, size: file.size };
      button.disabled = true;
      errors.textContent = "";
      showProgress(file, 0);
      announce(gettext("Uploading {name}…").replace("{name}", file.name));
      postJson("upload_start", details).then(function (result) {
        if (!result.ok) { return refused(result); }
        if (result.body.direct) { return toStorage(file, result.body.direct); }
        if (file.size <= result.body.piece_bytes) { return whole(file, description); }
        return inPieces(file, details);
      });
    }

    function toStorage(file, direct) {
      var form = new FormData();
      Object.keys(direct.fields).forEach(function (name) { form.append(name, direct.fields[name]); });
      form.append("file", file);
      return sendForm(direct.url, form, false, function (fraction) { showProgress(file, fraction); }).then(function (sent) {
        if (!sent.ok) { return refused({ status: 0, body: {} }); }
        return postJson("upload_confirm", { file_id: direct.file_id }).then(finished);
      });
    }

    function whole(file, description) {
      var form = new FormData();
      form.append("file", file);
      form.append("description", description);
      return sendForm(handler("upload_file"), form, true, function (fraction) { showProgress(file, fraction); })
        .then(finished);
    }

    function inPieces(file, details) {
      return postJson("upload_begin", details).then(function (begun) {
        if (!begun.ok) { return refused(begun); }
        var id = begun.body.upload_id;
        var size = begun.body.piece_bytes;

        function piece(index) {
          var start = index * size;
          if (start >= file.size) {
            return retrying(function () { return postJson("upload_finish", { upload_id: id }); }).then(function (result) {
              return result.ok ? finished(result) : abort(id).then(function () { refused(result); });
            });
          }
          var bytes = file.slice(start, Math.min(start + size, file.size));
          return retrying(function () {
            var form = new FormData();
            form.append("upload_id", id);
            form.append("index", String(index));
            form.append("offset", String(start));
            form.append("piece", bytes, "piece");
            return sendForm(handler("upload_piece"), form, true, function (fraction) {
              showProgress(file, (start + fraction * bytes.size) / file.size);
            });
          }).then(function (result) {
            return result.ok ? piece(result.body.next_index) : abort(id).then(function () { refused(result); });
          });
        }
        return piece(0);
      });
    }

    /* ``send`` again after a network failure or a server error; a refusal stands. Pieces and the finish can be
     * sent twice: the server answers a repeat as it did the first time. */
    function retrying(send, attempt) {
      attempt = attempt || 0;
      return send().then(function (result) {
        var transient = result.status === 0 || result.status >= 500;
        if (result.ok || !transient || attempt >= RETRIES) { return result; }
        return new Promise(function (resolve) { window.setTimeout(resolve, RETRY_DELAY_MS * (attempt + 1)); })
          .then(function () { return retrying(send, attempt + 1); });
      });
    }

    function abort(id) {
      return postJson("upload_abort", { upload_id: id });
    }

    function postJson(name, body) {
      return OraHttp.post(handler(name), body).catch(function () { return { ok: false, status: 0, body: {} }; });
    }

    function sendForm(url, form, withCsrf, onProgress) {
      return new Promise(function (resolve) {
        var request = new XMLHttpRequest();
        request.open("POST", url);
        if (withCsrf) { request.setRequestHeader("X-CSRFToken", OraHttp.csrfToken()); }
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { onProgress(event.loaded / event.total); }
        });
        request.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(request.responseText); } catch (ignored) { body = null; }
          resolve({ ok: request.status >= 200 && request.status < 300, status: request.status, body: body || {} });
        });
        request.addEventListener("error", function () { resolve({ ok: false, status: 0, body: {} }); });
        request.send(form);
      });
    }

    function showProgress(file, fraction) {
      var value = Math.min(100, Math.round(100 * fraction));
      progress.hidden = false;
      progress.value = value;
      percent.hidden = false;
      percent.textContent = gettext("{percent}% of {name}").replace("{percent}", value).replace("{name}", file.name);
    }

    function finished(result) {
      if (result.ok && result.body.html !== undefined) {
        show(result.body.html, gettext("The file was uploaded."), ".ora-files");
      } else {
        refused(result);
      }
    }

    /* Say why an upload failed: our own refusal as it is; the platform's 413 (``{"success": message}``, before the
     * block sees the request) and a proxy's 413 (no JSON) in words a learner can act on. */
    function refused(result) {
      button.disabled = false;
      progress.hidden = true;
      percent.hidden = true;
      var error = result.body && result.body.error;
      var message = null;
      if (!error && result.status === 413) {
        message = typeof result.body.success === "string"
          ? gettext("The site refused the upload as too large: {detail}").replace("{detail}", result.body.success)
          : gettext("The site's web server refused the upload as too large. Tell your course team: its upload limit is lower than this problem needs.");
      } else if (!error && result.status === 0) {
        message = gettext("The upload failed: the server could not be reached. Try again.");
      } else if (!error) {
        message = gettext("The upload failed. Try again.");
      }
      showErrors(errors, message ? { body: { error: { message: message } } } : result);
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
  typeset(root);
  var staffArea = root.querySelector(".ora-staff-area");
  if (staffArea) { OraStaffArea(runtime, element, staffArea, typeset); }
}
