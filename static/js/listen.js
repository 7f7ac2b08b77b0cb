// "Listen": reads a lesson step or a question aloud with the browser's own speech (Web Speech
// API). Nothing is sent to a server and nothing is downloaded. The button stays hidden where
// the browser has no voice for the page's language.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var buttons = document.querySelectorAll("[data-listen]");
  if (!synth || !window.SpeechSynthesisUtterance || !buttons.length) {
    return;
  }
  var lang = (document.documentElement.lang || "en").toLowerCase();

  function voiceFor(language) {
    var base = language.split("-")[0];
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var voiceLang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (voiceLang === language || voiceLang.split("-")[0] === base) {
        return voices[i];
      }
    }
    return null;
  }

  function textOf(target) {
    // Stem, then each choice on its own, so the listener hears where one ends.
    var parts = [];
    target.querySelectorAll("h1, h2, h3, legend, p, li, .choice-text").forEach(function (node) {
      // Read the innermost blocks only (a list item holding paragraphs, or a legend holding the
      // question's heading, is read through them).
      if (node.querySelector("h1, h2, h3, p, li, .choice-text")) {
        return;
      }
      var text = node.textContent.replace(/\s+/g, " ").trim();
      if (text) {
        parts.push(text);
      }
    });
    return parts.join("\n");
  }

  function setLabel(button, speaking) {
    var label = button.querySelector(".listen-label");
    if (!button.dataset.listenLabel) {
      button.dataset.listenLabel = label.textContent;
    }
    label.textContent = speaking ? button.dataset.stopLabel : button.dataset.listenLabel;
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
  }

  function speak(button) {
    var target = document.querySelector(button.dataset.listen);
    var voice = voiceFor(lang);
    if (!target || !voice) {
      return;
    }
    if (button.getAttribute("aria-pressed") === "true") {
      synth.cancel();
      setLabel(button, false);
      return;
    }
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(textOf(target));
    utterance.lang = voice.lang || lang;
    utterance.voice = voice;
    utterance.rate = 0.9;
    utterance.onend = function () {
      setLabel(button, false);
    };
    setLabel(button, true);
    synth.speak(utterance);
  }

  function showIfVoice() {
    var available = voiceFor(lang) !== null;
    buttons.forEach(function (button) {
      button.hidden = !available;
    });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      speak(button);
    });
  });
  showIfVoice();
  // Many browsers load their voices a moment after the page.
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", showIfVoice);
  }
  window.addEventListener("pagehide", function () {
    synth.cancel();
  });
})();
