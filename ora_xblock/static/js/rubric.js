/* OraXBlock.rubric: a rubric form read as an assessment: the option chosen per criterion, comments, and the form's
 * hidden fields. */
(function (OraXBlock) {
  "use strict";

  function read(form) {
    var body = { options_selected: {}, criterion_feedback: {}, overall_feedback: "" };
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      body.options_selected[input.getAttribute("data-criterion")] = input.value;
    });
    form.querySelectorAll("textarea.ora-feedback").forEach(function (textarea) {
      body.criterion_feedback[textarea.getAttribute("data-criterion")] = textarea.value;
    });
    var overall = form.querySelector(".ora-overall");
    body.overall_feedback = overall ? overall.value : "";
    var reason = form.querySelector(".ora-reason");
    if (reason) { body.reason = reason.value; }
    form.querySelectorAll("input[type=hidden]").forEach(function (input) { body[input.name] = input.value; });
    return body;
  }

  OraXBlock.rubric = { read: read };
}(window.OraXBlock = window.OraXBlock || {}));
