/* OraXBlock.appeal: a learner's appeal of their peer grade, inside their grade (templates/appeal.html).
 * ``bind(section, page)`` sends the reason to ``appeal`` (``page``: the learner's page, see OraXBlock.files); the
 * page comes back re-rendered with the appeal waiting for staff, whose state takes the focus, or the refusal is
 * listed in the form's errors and announced. */
(function (OraXBlock) {
  "use strict";

  function bind(section, page) {
    var form = section.querySelector(".ora-appeal-form");
    if (!form) { return; }
    var gettext = OraI18n.gettext;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var reason = form.querySelector(".ora-appeal-reason-input");
      var errors = form.querySelector(".ora-errors");
      var sent = gettext("Your appeal was sent to course staff.");
      return page.send("appeal", { reason: reason ? reason.value : "" }, errors, sent).then(function (result) {
        if (result.ok) {
          var state = page.content.querySelector(".ora-appeal-state");
          if (state) { state.focus(); }
        } else if (button) {
          button.disabled = false;
        }
        return result;
      });
    });
  }

  OraXBlock.appeal = { bind: bind };
}(window.OraXBlock = window.OraXBlock || {}));
