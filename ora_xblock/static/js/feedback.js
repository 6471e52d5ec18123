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

  function bind(section, page) {
    var form = section.querySelector(".ora-feedback-form");
    if (!form) { return; }
    var gettext = OraI18n.gettext;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      var errors = form.querySelector(".ora-errors");
      return page.send("submit_feedback", read(form), errors, gettext("Thank you for your feedback.")).then(function (result) {
        if (result.ok) {
          var thanks = page.content.querySelector(".ora-feedback-thanks");
          if (thanks) { thanks.focus(); }
        } else if (button) {
          button.disabled = false;
        }
        return result;
      });
    });
  }

  OraXBlock.feedback = { read: read, bind: bind };
}(window.OraXBlock = window.OraXBlock || {}));
