/* OraXBlock.learner.start(runtime, element, args): the learner's page. Autosave, submit with confirmation, rubric
 * forms, files (OraXBlock.files), feedback on the assessments received (OraXBlock.feedback); course staff also get
 * the staff area (OraXBlock.staff).
 * Every action posts to a handler, which answers with the re-rendered page; focus moves to the new step and a
 * status line announces what happened. Each block on a page works on its own element.
 * ``args.latex``, where the problem allows LaTeX, names the vendored KaTeX (OraXBlock.latex, static/js/latex.js);
 * the math is typeset again after every re-render. */
(function (OraXBlock) {
  "use strict";

  var AUTOSAVE_DELAY_MS = 1500;
  var TEAM_POLL_MS = 30000;  // a team's draft: teammates' saves, looked for while the page is visible

  function start(runtime, element, args) {
    var root = element.jquery ? element[0] : element;
    var latex = (args && args.latex) || null;
    var live = OraXBlock.live(root.querySelector(".ora-live"));
    var content = root.querySelector(".ora-content");
    var gettext = OraI18n.gettext;
    var editors = [];
    var saveTimer = null;
    var stopPolling = function () {};
    var askedAutomatically = false;
    var page = { handler: handler, show: show, send: send, live: live, content: content, pollMs: TEAM_POLL_MS };

    function handler(name) { return runtime.handlerUrl(element, name); }
    function post(name, body) { return OraXBlock.http.post(handler(name), body); }

    function typeset(region) {
      if (latex && OraXBlock.latex) { OraXBlock.latex.render(region, latex); }
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
      if (message) { live.announce(message); }
    }

    /* Post to a handler and show the page it answers; a refusal is listed in ``list``. */
    function send(name, body, list, message, area) {
      return live.send(handler(name), body, {
        list: list,
        shown: function (answer) {
          if (answer.html !== undefined) { show(answer.html, answer.message || message, area); }
        }
      });
    }

    /* The response form: one editor per prompt, autosaved. */

    function answers() { return editors.map(function (editor) { return editor.getValue(); }); }

    function bindResponse(form) {
      var status = form.querySelector(".ora-draft-status");
      var errors = form.querySelector(".ora-errors:not(.ora-file-errors)");  // the files have their own list
      var dialog = content.querySelector(".ora-confirm");
      form.querySelectorAll(".ora-answer").forEach(function (textarea) {
        var label = form.querySelector("label[for='" + textarea.id + "']");
        var rich = textarea.getAttribute("data-rich") === "true";
        var preview = null;
        var editor = OraXBlock.editor.attach(textarea, {
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
      // A team problem: the team's draft, merged prompt by prompt (OraXBlock.team).
      var team = form.hasAttribute("data-ora-team") ? OraXBlock.team.attach(form, editors, post, textOf) : null;
      var saving = false;
      if (team) { stopPolling = OraXBlock.teamPoll(page, team, form, function () { return saving; }); }

      /* ``keepErrors``: a refusal just listed stays until the learner acts. */
      function saveDraft(keepErrors) {
        status.textContent = gettext("Saving…");
        saving = true;
        var sent = team ? team.save() : post("save_draft", { answers: answers() });
        return sent.then(function (result) {
          saving = false;
          if (result.ok && result.conflicts) {
            status.textContent = gettext("A teammate changed an answer you were writing: choose which text to keep.");
            if (!keepErrors) { errors.textContent = ""; }
          } else if (result.ok) {
            status.textContent = gettext("Draft saved");
            if (!keepErrors) { errors.textContent = ""; }
            if (team) { OraXBlock.teamPoll.saved(page, result.body.saved_at); }
          } else if (team && refusal(result) === "team_already_submitted") {
            OraXBlock.teamPoll.submitted(page, team);
          } else {
            status.textContent = gettext("Not saved");
            live.showErrors(errors, result);
          }
          return result;
        }).catch(function () {
          saving = false;
          status.textContent = gettext("Not saved: the server could not be reached");
        });
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (dialog && dialog.showModal) { dialog.showModal(); } else { submitNow(); }
      });
      if (dialog) {
        dialog.querySelector(".ora-confirm-yes").addEventListener("click", function () { dialog.close(); submitNow(); });
        dialog.querySelector(".ora-confirm-no").addEventListener("click", function () { dialog.close(); });
      }

      /* A team's draft is saved first, so that the response is the one every member sees; a conflict stops it. */
      function submitNow() {
        window.clearTimeout(saveTimer);
        if (!team) {
          send("submit", { answers: answers() }, errors, gettext("Your response was submitted."));
          return;
        }
        saveDraft().then(function (result) {
          if (result && result.ok && !result.conflicts) {
            send("submit", team.submitBody(), errors, gettext("Your response was submitted.")).then(function (sent) {
              // A teammate saved in between: merge their change into the page, for the member to look again, the
              // refusal kept in view; the team submitted already: show its response, the member's text kept.
              if (refusal(sent) === "team_draft_changed") { saveDraft(true); }
              if (refusal(sent) === "team_already_submitted") { OraXBlock.teamPoll.submitted(page, team); }
            });
          } else if (result && result.ok) {
            live.announce(status.textContent);
          }
        });
      }
    }

    /* Where the problem allows LaTeX: a button under an answer that shows its math as it will look once
     * submitted. The preview goes away at the next change, so it never shows an older text. */
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

    /* Rubric forms: self assessment, peer review and training. */

    function bindRubric(form) {
      var errors = form.querySelector(".ora-errors");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form.getAttribute("data-ora-action"), OraXBlock.rubric.read(form), errors, gettext("Your assessment was submitted."));
      });
    }

    function refusal(result) { return !result.ok && result.body && result.body.error ? result.body.error.code : ""; }

    function bind() {
      stopPolling();
      stopPolling = function () {};
      editors = [];
      var form = content.querySelector(".ora-response-form");
      if (form) { bindResponse(form); }
      var fileset = content.querySelector(".ora-files");
      if (fileset) { OraXBlock.files.bind(fileset, page); }
      content.querySelectorAll(".ora-rubric-form").forEach(bindRubric);
      var feedback = content.querySelector(".ora-assessments-feedback");
      if (feedback) { OraXBlock.feedback.bind(feedback, page); }
      var appeal = content.querySelector(".ora-appeal");
      if (appeal) { OraXBlock.appeal.bind(appeal, page); }
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

    function askForReview() {
      var errors = content.querySelector(".ora-peer .ora-errors") || content.querySelector(".ora-errors");
      OraXBlock.http.post(handler("peer_next"), {}).then(function (result) {
        if (result.ok) {
          show(result.body.html, result.body.message || gettext("Here is a response to review."));
        } else if (errors) {
          live.showErrors(errors, result);
        } else {
          live.announce((result.body.error && result.body.error.message) || gettext("Something went wrong. Try again."));
        }
      }).catch(function () { live.announce(gettext("The server could not be reached. Try again.")); });
    }

    bind();
    typeset(root);
    var staffArea = root.querySelector(".ora-staff-area");
    if (staffArea) { OraXBlock.staff.start(runtime, element, staffArea, typeset); }
  }

  /* A rich answer's text, a line per paragraph or list item. It is parsed in a document of its own and only its
   * text is used, so nothing in it runs or loads. */
  function textOf(html) {
    var body = new DOMParser().parseFromString(html, "text/html").body;
    var blocks = body.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6");
    if (!blocks.length) { return body.textContent; }
    return Array.prototype.map.call(blocks, function (block) { return block.textContent; }).join("\n");
  }

  OraXBlock.learner = { start: start };
}(window.OraXBlock = window.OraXBlock || {}));

/* The runtime starts a block by the name in initialize_js, looked up as a property of window: the platform's
 * XBlock runtime calls window[init] (openedx-platform common/static/js/xblock/core.js, constructBlock; the
 * workbench too, xblock-sdk workbench/static/workbench/js/runtime/1.js), so a dotted name such as
 * "OraXBlock.learner.start" would not be found. OraXBlockLearner and OraXBlockStudio are therefore the package's
 * only globals besides OraXBlock (and OraI18n, the messages ora_xblock/js_catalog.py writes), each a thin entry
 * point. It returns nothing, as the runtime builds the block object around it. */
window.OraXBlockLearner = function (runtime, element, args) {
  "use strict";
  window.OraXBlock.learner.start(runtime, element, args);
};
