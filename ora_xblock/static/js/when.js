/* OraXBlock.when: dates in the browser's own time zone.
 *
 * For learners: dates the server could not put in the reader's time zone (the host gave none; see
 * ora_xblock/when.py). Each <time data-ora-local="datetime|date|time"> is written again in the browser's own zone,
 * in the language the server wrote it in (data-ora-lang), so it still reads like the sentence around it. The
 * relative hint next to it ("in 3 days") holds in any zone and stays. Dates that arrive later (a re-rendered step,
 * a staff section) are found as they arrive, so the scripts that render them need not know.
 *
 * For authors: Studio's date inputs show a stored UTC moment in the author's zone (toLocal) and send what the author
 * typed back in UTC (toUtc). */
(function (OraXBlock) {
  "use strict";
  if (OraXBlock.when) { return; }  // several blocks on a page load this once each

  var SHAPES = {
    datetime: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" },
    date: { year: "numeric", month: "short", day: "numeric" },
    time: { hour: "numeric", minute: "2-digit", timeZoneName: "short" }
  };

  function localiseOne(time) {
    var shape = SHAPES[time.getAttribute("data-ora-local")];
    var moment = new Date(time.getAttribute("datetime"));
    if (!shape || isNaN(moment.getTime())) { return; }
    var language = time.getAttribute("data-ora-lang") || document.documentElement.lang || undefined;
    try {
      time.textContent = new Intl.DateTimeFormat(language, shape).format(moment);
    } catch (unknownLanguage) {
      time.textContent = new Intl.DateTimeFormat(undefined, shape).format(moment);
    }
    time.removeAttribute("data-ora-local");
    time.setAttribute("data-ora-localised", "");
  }

  /* Every waiting date in ``root`` (an element or the document), ``root`` included. */
  function localise(root) {
    if (root.matches && root.matches("time[data-ora-local]")) { localiseOne(root); }
    if (root.querySelectorAll) { Array.prototype.forEach.call(root.querySelectorAll("time[data-ora-local]"), localiseOne); }
  }

  function pad(number) { return String(number).padStart(2, "0"); }

  /* An ISO moment as a datetime-local input's value in the browser's zone ("2026-03-01T10:30:00"); "" if it is
   * not a date. */
  function toLocal(iso) {
    var date = new Date(iso);
    if (isNaN(date)) { return ""; }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
  }

  /* A datetime-local value, read in the browser's zone, as the UTC moment the server stores
   * ("2026-03-01T15:30:00Z"); text that is not a date is sent as it is, for the validator to name. */
  function toUtc(local) {
    var date = new Date(local);
    return isNaN(date) ? local : date.toISOString().replace(".000Z", "Z");
  }

  OraXBlock.when = { localise: localise, toLocal: toLocal, toUtc: toUtc };
  localise(document);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType === 1) { localise(node); }
        });
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
}(window.OraXBlock = window.OraXBlock || {}));
