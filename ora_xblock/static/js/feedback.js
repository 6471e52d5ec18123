/* OraXBlock.feedback: the learner's feedback on the peer assessments they received, inside their grade
 * (templates/assessments_feedback.html). ``read(form)`` is what the form sends to ``submit_feedback``: the
 * statements ticked, as stored (ora2's English values), and the comment. ``bind(section, page)`` sends it
 * (``page``: the learner's page, see OraXBlock.files; ``page.content``, the element it is drawn in); the page comes back re-rendered with the thanks, which
 * takes the focus, or the refusal is listed in the form's errors and announced. */
(function (OraXBlock) {
  "use strict";

  function read(form) {
    var options = [];
    form.querySelectorAll("input[name=feedback-option]:checked").forEach(function (input) {
      options.push(input.value);
    });
    var comment = form.querySelector(".ora-feedback-comment");
    return { options: options, comment: comment ? comment.value : "" };
  }

  /* Send ``form`` to ``handler`` when submitted (the body ``body(form)``), its button off meanwhile: once sent, the
   * re-rendered page's ``focused`` element takes the focus; refused, the button comes back. Shared with
   * OraXBlock.appeal. */
  function sendOnSubmit(form, page, handler, body, sent, focused) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      return page.send(handler, body(form), form.querySelector(".ora-errors"), sent).then(function (result) {
        if (result.ok) {
          var target = page.content.querySelector(focused);
          if (target) { target.focus(); }
        } else if (button) {
          button.disabled = false;
        }
        return result;
      });
    });
  }

  function bind(section, page) {
    var form = section.querySelector(".ora-feedback-form");
    if (!form) { return; }
    var thanks = OraI18n.gettext("Thank you for your feedback.");
    sendOnSubmit(form, page, "submit_feedback", read, thanks, ".ora-feedback-thanks");
  }

  OraXBlock.feedback = { read: read, bind: bind, sendOnSubmit: sendOnSubmit };
}(window.OraXBlock = window.OraXBlock || {}));
