/* The course dashboard's grading pages (templates/course_queue*.html): the rubric form is posted as JSON
 * (OraXBlock.rubric.read, with the CSRF header); the server answers where to go next, or lists what is wrong
 * next to the form. Skipping and giving a response back are plain forms that work without this script. */
(function (OraXBlock) {
  "use strict";

  var region = document.querySelector("[data-ora-course-queue]");
  if (!region) { return; }
  var live = OraXBlock.live(region);
  document.querySelectorAll("form.ora-rubric-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      live.send(form.getAttribute("data-ora-action"), OraXBlock.rubric.read(form), {
        button: form.querySelector("[type=submit]"),
        list: form.querySelector(".ora-errors"),
        shown: function (body) { window.location.assign(body.redirect); }
      });
    });
  });
}(window.OraXBlock = window.OraXBlock || {}));
