/* OraXBlock.team: a team problem's shared draft (docs/decisions/0031-team-responses.md).
 * Each prompt keeps a base: the text and revision the member last loaded or saved. A save sends, per prompt, the
 * text where the member changed it since its base (else null) and the base revisions; the server writes a text
 * whose base is current and refuses, prompt by prompt, one a teammate changed first (a conflict). Nothing is
 * lost: the member's text stays in the editor, the teammate's is shown beside it, and the member chooses
 * ("Use their text", or "Keep mine", which saves again on the new base). Prompts the member left alone take the
 * latest text. ``request`` and ``merge`` are the pure part (tests/js/team.test.js); ``attach`` wires a form. */
(function (OraXBlock) {
  "use strict";

  /* What a save sends, from each prompt's base ({text, revision}) and the editors' texts now. */
  function request(base, current) {
    return {
      answers: current.map(function (text, index) { return text === base[index].text ? null : text; }),
      revisions: base.map(function (entry) { return entry.revision; })
    };
  }

  /* The server's answer to a save ({texts, revisions, authors, conflicts}) merged into the page: ``sent`` is the
   * answers that save sent, ``current`` the editors' texts now (the member may have typed since). Returns the new
   * bases, the editors to update ({index, text}: prompts left alone that a teammate changed) and the conflicts to
   * show ({index, text, revision, author}). A conflicted prompt, or one typed in since the save left, keeps its
   * base, so that its next save is checked against what the member saw. */
  function merge(base, sent, current, answer) {
    var next = [], updates = [], conflicts = [];
    base.forEach(function (entry, index) {
      var latest = { text: answer.texts[index], revision: answer.revisions[index] };
      if (answer.conflicts.indexOf(index) !== -1) {
        next.push(entry);
        conflicts.push({ index: index, text: latest.text, revision: latest.revision, author: answer.authors[index] });
      } else if (sent[index] !== null || current[index] === entry.text) {
        next.push(latest);
        if (sent[index] === null && latest.text !== current[index]) { updates.push({ index: index, text: latest.text }); }
      } else {
        next.push(entry);
      }
    });
    return { base: next, updates: updates, conflicts: conflicts };
  }

  /* Wire the response form ``form`` of a team problem: ``editors`` (OraXBlock.editor) one per prompt, ``post``
   * (name, body) a handler call resolving to OraXBlock.http's result, ``plain`` a rich answer's text to show.
   * Returns save() (resolves to the result; result.conflicts counts the prompts to settle) and submitBody(). */
  function attach(form, editors, post, plain) {
    var textareas = Array.prototype.slice.call(form.querySelectorAll(".ora-answer"));
    var me = form.getAttribute("data-ora-me") || "";
    var base = textareas.map(function (textarea, index) {
      return { text: editors[index].getValue(), revision: Number(textarea.getAttribute("data-ora-revision")) || 0 };
    });
    var pending = {};

    function texts() { return editors.map(function (editor) { return editor.getValue(); }); }
    function part(index, selector) { return textareas[index].closest(".ora-prompt").querySelector(selector); }

    function save() {
      var body = request(base, texts());
      return post("save_draft", body).then(function (result) {
        if (result.ok) { result.conflicts = apply(body.answers, result.body); }
        return result;
      });
    }

    function apply(sent, answer) {
      var merged = merge(base, sent, texts(), answer);
      base = merged.base;
      merged.updates.forEach(function (update) { take(update.index, update.text, base[update.index].revision); });
      pending = {};
      merged.conflicts.forEach(function (conflict) { pending[conflict.index] = conflict; });
      textareas.forEach(function (textarea, index) {
        author(index, answer.authors[index]);
        show(index, pending[index]);
      });
      return merged.conflicts.length;
    }

    function author(index, username) {
      var line = part(index, ".ora-team-author");
      if (!line) { return; }
      line.setAttribute("data-ora-author", username);
      if (!username) {
        line.textContent = line.getAttribute("data-ora-unchanged");
      } else if (username === me) {
        line.textContent = line.getAttribute("data-ora-changed-by-me");
      } else {
        line.textContent = line.getAttribute("data-ora-changed-by").replace("{username}", username);
      }
    }

    /* A teammate's saves, read from the page as the server renders it now (``answer``: {texts, revisions,
     * authors}): prompts the member left alone take them; a prompt they typed in, or one with a conflict to
     * settle, keeps its base for the next save to check. Returns the prompts that changed ({index, author}). */
    function refresh(answer) {
      var current = texts();
      var settling = Object.keys(pending).map(Number);
      var merged = merge(base, current.map(function () { return null; }), current,
        { texts: answer.texts, revisions: answer.revisions, authors: answer.authors, conflicts: settling });
      base = merged.base;
      return merged.updates.map(function (update) {
        take(update.index, update.text, base[update.index].revision);
        author(update.index, answer.authors[update.index]);
        return { index: update.index, author: answer.authors[update.index] };
      });
    }

    /* The member's texts not yet in the team's draft ({index, text}, a rich answer as plain text). */
    function unsaved() {
      var found = [];
      texts().forEach(function (text, index) {
        var shown = textareas[index].getAttribute("data-rich") === "true" ? plain(text) : text;
        if (text !== base[index].text && shown.trim() !== "") { found.push({ index: index, text: shown }); }
      });
      return found;
    }

    function show(index, conflict) {
      var box = part(index, ".ora-team-conflict");
      if (!box) { return; }
      box.hidden = !conflict;
      if (!conflict) { return; }
      var notice = box.querySelector(".ora-team-conflict-notice");
      notice.textContent = notice.getAttribute("data-ora-template").replace("{username}", conflict.author);
      var theirs = box.querySelector(".ora-team-theirs");
      theirs.textContent = textareas[index].getAttribute("data-rich") === "true" ? plain(conflict.text) : conflict.text;
    }

    function choose(index, keepMine) {
      var conflict = pending[index];
      if (!conflict) { return null; }
      delete pending[index];
      show(index, null);
      if (!keepMine) {
        take(index, conflict.text, conflict.revision);
        return null;
      }
      base[index] = { text: conflict.text, revision: conflict.revision };
      return save();
    }

    /* Put ``text`` in a prompt's editor as its base: as the editor holds it (a rich editor tidies its HTML), so
     * that the prompt does not look changed by the member. */
    function take(index, text, revision) {
      editors[index].setValue(text);
      base[index] = { text: editors[index].getValue(), revision: revision };
    }

    textareas.forEach(function (textarea, index) {
      var useTheirs = part(index, ".ora-team-use-theirs");
      var keepMine = part(index, ".ora-team-keep-mine");
      if (useTheirs) { useTheirs.addEventListener("click", function () { choose(index, false); }); }
      if (keepMine) { keepMine.addEventListener("click", function () { choose(index, true); }); }
    });

    return {
      save: save, submitBody: function () { return request(base, texts()); }, choose: choose,
      refresh: refresh, unsaved: unsaved
    };
  }

  /* The team's draft as a page rendered by the server shows it (``root``: its parsed content). */
  function fromPage(root) {
    var answers = Array.prototype.slice.call(root.querySelectorAll(".ora-response-form .ora-answer"));
    return {
      texts: answers.map(function (textarea) { return textarea.value; }),
      revisions: answers.map(function (textarea) { return Number(textarea.getAttribute("data-ora-revision")) || 0; }),
      authors: answers.map(function (textarea) {
        var line = textarea.closest(".ora-prompt").querySelector(".ora-team-author");
        return line ? line.getAttribute("data-ora-author") || "" : "";
      })
    };
  }

  /* After the team submitted while the member was writing: their unsaved texts (``items``, see unsaved()) in
   * read-only boxes at the end of ``section``, so that nothing they typed is lost. ``gettext`` translates; ``several``:
 * whether the problem has several prompts, each then named by its number. */
  function keepUnsaved(section, items, gettext, several) {
    var box = document.createElement("section");
    box.className = "ora-section ora-team-unsaved";
    var heading = document.createElement("h4");
    heading.id = "unsaved-" + Date.now();
    heading.textContent = gettext("Your unsaved text");
    box.setAttribute("aria-labelledby", heading.id);
    var help = document.createElement("p");
    help.className = "ora-notice";
    help.textContent = gettext("Your team submitted its response before this text of yours was saved, so it is not part of the response. It stays here until you leave the page: copy what you need.");
    box.appendChild(heading);
    box.appendChild(help);
    items.forEach(function (item) {
      var label = document.createElement("label");
      label.className = "ora-field-label";
      label.htmlFor = heading.id + "-" + item.index;
      label.textContent = several
        ? gettext("Your unsaved answer to question {number}").replace("{number}", String(item.index + 1))
        : gettext("Your unsaved answer");
      var text = document.createElement("textarea");
      text.id = label.htmlFor;
      text.className = "ora-team-unsaved-text";
      text.readOnly = true;
      text.rows = 6;
      text.value = item.text;
      box.appendChild(label);
      box.appendChild(text);
    });
    section.appendChild(box);
    return box;
  }

  OraXBlock.team = { request: request, merge: merge, attach: attach, fromPage: fromPage, keepUnsaved: keepUnsaved };
}(window.OraXBlock = window.OraXBlock || {}));
