/* OraXBlock.appeal: a learner's appeal of their peer grade, inside their grade (templates/appeal.html).
 * ``bind(section, page)`` sends the reason to ``appeal`` (``page``: the learner's page, see OraXBlock.files); the
 * page comes back re-rendered with the appeal waiting for staff, whose state takes the focus, or the refusal is
 * listed in the form's errors and announced. */
(function (OraXBlock) {
  "use strict";

  function reason(form) {
    var text = form.querySelector(".ora-appeal-reason-input");
    return { reason: text ? text.value : "" };
  }

  function bind(section, page) {
    var form = section.querySelector(".ora-appeal-form");
    if (!form) { return; }
    var sent = OraI18n.gettext("Your appeal was sent to course staff.");
    OraXBlock.feedback.sendOnSubmit(form, page, "appeal", reason, sent, ".ora-appeal-state");
  }

  OraXBlock.appeal = { bind: bind };
}(window.OraXBlock = window.OraXBlock || {}));
