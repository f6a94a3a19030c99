// 默认主题 — what JavaScript adds (pages work without it): read-aloud of
// the article with the browser's speech synthesis in zh-CN, with a clear
// on/off button shown only where speech is available.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  var buttons = document.querySelectorAll("[data-read-aloud]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = button.closest("[data-read-aloud-source]");
    if (!source) {
      return;
    }
    var label = button.textContent;
    button.parentElement.hidden = false;
    function stop() {
      synth.cancel();
      button.setAttribute("aria-pressed", "false");
      button.textContent = label;
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        stop();
        return;
      }
      var text = Array.prototype.map.call(source.querySelectorAll("h1, .body, .facts, .speaker"), function (el) {
        return el.innerText;
      }).join("\n");
      var say = new SpeechSynthesisUtterance(text);
      say.lang = "zh-CN";
      say.rate = 0.9;
      say.onend = stop;
      say.onerror = stop;
      synth.cancel();
      synth.speak(say);
      button.setAttribute("aria-pressed", "true");
      button.textContent = "停止朗读";
    });
    window.addEventListener("pagehide", stop);
  });
})();
