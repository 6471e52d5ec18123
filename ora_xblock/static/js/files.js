/* OraXBlock.files.bind(fieldset, page): a learner's files. Straight to the storage where it takes them (S3); else
 * in one request when the file fits under the site's per-request limit, or in pieces under it, joined on the
 * server. One progress bar spans the whole file; a piece that fails on the way is sent again.
 * ``page`` is the learner's page (OraXBlock.learner): ``handler(name)``, a handler's URL; ``show(html, message,
 * area)`` and ``send(name, body, list, message, area)``, which show the page re-rendered; ``live``, its status
 * line (OraXBlock.live). */
(function (OraXBlock) {
  "use strict";

  var RETRIES = 2;
  var RETRY_DELAY_MS = 1000;

  function bind(fieldset, page) {
    var gettext = OraI18n.gettext;
    var http = OraXBlock.http;
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
          page.live.showErrors(errors, { body: { error: { message: gettext("Choose a file first.") } } });
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
      page.live.announce(gettext("Uploading {name}…").replace("{name}", file.name));
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
      return sendForm(page.handler("upload_file"), form, true, function (fraction) { showProgress(file, fraction); })
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
            return sendForm(page.handler("upload_piece"), form, true, function (fraction) {
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
      return http.attempt(page.handler(name), body);
    }

    function sendForm(url, form, withCsrf, onProgress) {
      return new Promise(function (resolve) {
        var request = new XMLHttpRequest();
        request.open("POST", url);
        if (withCsrf) { request.setRequestHeader("X-CSRFToken", http.csrfToken()); }
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { onProgress(event.loaded / event.total); }
        });
        request.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(request.responseText); } catch (notJson) { body = null; }
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
        page.show(result.body.html, gettext("The file was uploaded."), ".ora-files");
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
      page.live.showErrors(errors, message ? { body: { error: { message: message } } } : result);
    }

    fieldset.querySelectorAll(".ora-remove-file").forEach(function (remove) {
      remove.addEventListener("click", function () {
        page.send("remove_file", { file_id: Number(remove.getAttribute("data-file")) }, errors, gettext("The file was removed."), ".ora-files");
      });
    });
  }

  OraXBlock.files = { bind: bind };
}(window.OraXBlock = window.OraXBlock || {}));
