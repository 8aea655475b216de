// Live per-channel counters and previews on the compose screen. Counts the way
// itcell/publishing/limits.py does (the server has the last word).
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form) return;
  var limits = JSON.parse(document.getElementById("platform-limits").textContent);
  var URL = /https?:\/\/\S+/g;
  var VIRAMA = "\u094d";
  var MARK = /[\p{Mn}\p{Mc}\p{Me}\u200c\u200d\ufe0f]/u;
  var LETTER = /\p{Lo}/u;

  function graphemes(text) {
    var count = 0, previous = "", openFlag = false;
    for (var ch of text) {
      var code = ch.codePointAt(0), regional = code >= 0x1f1e6 && code <= 0x1f1ff;
      var joins = MARK.test(ch) || previous === "\u200d" || (code >= 0x1f3fb && code <= 0x1f3ff) ||
        (previous === VIRAMA && LETTER.test(ch)) || (regional && openFlag);
      openFlag = regional && !openFlag;
      if (!joins) count += 1;
      previous = ch;
    }
    return count;
  }
  function xWeight(ch) {
    var c = ch.codePointAt(0);
    var light = c <= 0x10ff || (c >= 0x2000 && c <= 0x200d) || (c >= 0x2010 && c <= 0x201f) ||
      (c >= 0x2032 && c <= 0x2037);
    return light ? 1 : 2;
  }
  function length(platform, text) {
    var counts = limits[platform].counts;
    if (counts === "graphemes") return graphemes(text);
    if (counts === "weighted" || counts === "urls23") {
      var urls = (text.match(URL) || []).length, rest = text.replace(URL, ""), n = 0;
      for (var ch of rest) n += counts === "weighted" ? xWeight(ch) : 1;
      return 23 * urls + n;
    }
    return Array.from(text).length;
  }
  function field(name) { return form.elements[name]; }
  function postText(language) {
    var hi = field("text_hi").value.trim(), en = field("text_en").value.trim();
    return language === "hi" ? (hi || en) : (en || hi);
  }
  function withMedia() {
    return Array.from(form.querySelectorAll("input[name=attachments]")).some(function (b) { return b.checked; });
  }
  function chosen(channel) {
    var box = form.querySelector("input[name=channels][value='" + channel + "']");
    return box && box.checked;
  }
  function preview(node, text) {
    node.textContent = "";
    text.split(/(https?:\/\/\S+|#[^\s#.,!?;:।॥"'()]+)/u).forEach(function (part) {
      if (!part) return;
      var span = document.createElement(/^https?:|^#/.test(part) ? "mark" : "span");
      span.textContent = part;
      node.appendChild(span);
    });
  }
  function update() {
    form.querySelectorAll(".variant").forEach(function (box) {
      var platform = box.dataset.platform, own = box.querySelector("textarea").value.trim();
      var text = own || postText(box.dataset.language);
      var rules = limits[platform];
      var limit = withMedia() && rules.caption_chars ? rules.caption_chars : rules.chars;
      var used = length(platform, text);
      box.hidden = !chosen(box.dataset.channel);
      box.querySelector(".used").textContent = used;
      box.querySelector(".limit").textContent = limit;
      box.classList.toggle("over", used > limit);
      preview(box.querySelector(".preview"), text);
    });
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // A playbook template filled the texts (htmx, out of band): count them and check again.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "template-status") {
      form.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  update();
})();
