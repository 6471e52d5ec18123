/* OraXBlock.teamPoll(page, team, form, busy): a team member's page keeps up with their teammates
 * (docs/decisions/0031-team-responses.md). Every ``page.pollMs`` while the page is visible, and at once when it
 * becomes visible again, it reads the page as the server renders it now (the render_page handler): teammates'
 * saves go into the prompts the member left alone (OraXBlock.team's refresh), the team's file list is renewed,
 * and the draft's status line (aria-live, polite) says what arrived. ``busy()`` is true while the member's own
 * save is on its way. Returns a function that stops it.
 * teamPoll.submitted(page, team, html): the team submitted while the member was writing: the page shows the
 * team's response, and the member's unsaved texts stay beside it, read-only, so that nothing they typed is lost. */
(function (OraXBlock) {
  "use strict";

  function poll(page, team, form, busy) {
    var gettext = OraI18n.gettext;
    var status = form.querySelector(".ora-draft-status");

    function look() {
      if (document.hidden || busy() || !form.isConnected) { return; }
      OraXBlock.http.post(page.handler("render_page"), {}).then(function (result) {
        if (!result.ok || !form.isConnected || busy()) { return; }
        var fresh = new DOMParser().parseFromString(result.body.html, "text/html").body;
        if (!fresh.querySelector(".ora-response-form")) {
          submitted(page, team, result.body.html);
          return;
        }
        var several = form.querySelectorAll(".ora-answer").length > 1;
        var said = team.refresh(OraXBlock.team.fromPage(fresh)).map(function (change) {
          var text = several ? gettext("{username} saved a change to question {number}; it is shown now.")
            : gettext("{username} saved a change to the answer; it is shown now.");
          return text.replace("{username}", change.author).replace("{number}", String(change.index + 1));
        });
        savedLine(page, fresh, null);
        if (renewFiles(page, fresh)) { said.push(gettext("The team's files changed; the list is up to date.")); }
        if (said.length) { status.textContent = said.join(" "); }
      }).catch(function () { /* out of reach: the next look tries again */ });
    }

    function visible() { if (!document.hidden) { look(); } }

    var timer = window.setInterval(look, page.pollMs);
    document.addEventListener("visibilitychange", visible);
    return function () {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", visible);
    };
  }

  /* The draft's "last saved" line: as the server wrote it in ``fresh`` (a page rendered now), or after the
   * member's own save at ``iso``, in the browser's zone and the page's language (OraXBlock.when). */
  function savedLine(page, fresh, iso) {
    var line = page.content.querySelector(".ora-team-saved");
    var next = fresh && fresh.querySelector(".ora-team-saved");
    if (!line || (fresh && !next) || (!fresh && !iso)) { return; }
    if (next) {
      line.innerHTML = next.innerHTML;  // the server's own rendering of the same template
      line.hidden = next.hidden;
      return;
    }
    var time = document.createElement("time");
    time.setAttribute("datetime", iso);
    time.setAttribute("data-ora-local", "datetime");
    var parts = line.getAttribute("data-ora-template").split("{date}");
    line.textContent = parts[0];
    line.appendChild(time);
    line.appendChild(document.createTextNode(parts[1] || ""));
    line.hidden = false;
    OraXBlock.when.localise(line);
  }

  function fileIds(root) {
    return Array.prototype.map.call(root.querySelectorAll(".ora-remove-file"), function (button) {
      return button.getAttribute("data-file");
    }).join(",");
  }

  /* The draft's file list as ``fresh`` (the page rendered now) has it, unless an upload is on its way; whether
   * it changed. */
  function renewFiles(page, fresh) {
    var fieldset = page.content.querySelector(".ora-files");
    var next = fresh.querySelector(".ora-files .ora-file-list");
    var progress = fieldset && fieldset.querySelector(".ora-upload-progress");
    if (!fieldset || (progress && !progress.hidden) || fileIds(fieldset) === (next ? fileIds(next) : "")) {
      return false;
    }
    var now = fieldset.querySelector(".ora-file-list");
    if (now) { now.remove(); }
    if (!next) { return true; }
    fieldset.querySelector(".ora-files-help").insertAdjacentElement("afterend", next);
    var errors = fieldset.querySelector(".ora-file-errors");
    next.querySelectorAll(".ora-remove-file").forEach(function (remove) {
      remove.addEventListener("click", function () {
        page.send("remove_file", { file_id: Number(remove.getAttribute("data-file")) }, errors,
          OraI18n.gettext("The file was removed."), ".ora-files");
      });
    });
    return true;
  }

  function submitted(page, team, html) {
    var gettext = OraI18n.gettext;
    var mine = team.unsaved();
    var several = page.content.querySelectorAll(".ora-response-form .ora-answer").length > 1;
    var shown = html ? Promise.resolve({ ok: true, body: { html: html } })
      : OraXBlock.http.post(page.handler("render_page"), {});
    return shown.then(function (result) {
      if (!result.ok) { return; }
      page.show(result.body.html, mine.length
        ? gettext("Your team submitted its response while you were writing: it is shown here, and your unsaved text is kept below it.")
        : gettext("Your team submitted its response: it is shown here."), ".ora-team");
      var section = page.content.querySelector(".ora-prompts");
      if (!mine.length || !section) { return; }
      var box = OraXBlock.team.keepUnsaved(section, mine, gettext, several);
      var heading = box.querySelector("h4");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    });
  }

  poll.submitted = submitted;
  poll.saved = function (page, iso) { savedLine(page, null, iso); };
  OraXBlock.teamPoll = poll;
}(window.OraXBlock = window.OraXBlock || {}));
