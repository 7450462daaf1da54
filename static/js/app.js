// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function announce(text) {
    var status = document.getElementById("count-status");
    if (status) { status.textContent = text; }
  }

  // Copy buttons: <button data-copy="field-id" hidden>
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var subject = document.getElementById("subject");
      var text = (subject && subject.value ? "Subject: " + subject.value + "\n\n" : "") + target.value;
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copied";
        announce("The letter is copied: paste it into the office's contact form.");
      }, function () {
        target.focus(); target.select();
        announce("Copying was blocked by your browser: the letter is selected, copy it with your keyboard.");
      });
    });
  });

  // Keep the mailto link in step with the letter as it is edited.
  var mailto = document.querySelector("a[data-mailto]");
  var body = document.getElementById("body");
  var subjectField = document.getElementById("subject");
  if (mailto && body && subjectField) {
    var update = function () {
      mailto.href = "mailto:?subject=" + encodeURIComponent(subjectField.value) +
        "&body=" + encodeURIComponent(body.value);
    };
    body.addEventListener("input", update);
    subjectField.addEventListener("input", update);
  }

  // "I sent it" / "I called": count without leaving the page (the form post is the fallback).
  var form = document.querySelector("form[data-count-url]");
  if (form && window.fetch) {
    var token = form.querySelector("input[name=csrf_token]");
    form.querySelectorAll("button[data-count]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var action = button.getAttribute("data-count");
        button.disabled = true;
        fetch(form.getAttribute("data-count-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
          body: JSON.stringify({ action: action, ask: form.getAttribute("data-ask"),
                                 member: form.getAttribute("data-member") })
        }).then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "counted"; hidden.value = action;
          form.appendChild(hidden);
          announce({
            sent: "Thank you for writing. We added one to the anonymous count of letters sent.",
            called: "Thank you for calling. We added one to the anonymous count of calls.",
            voicemail: "Thank you: voicemails are counted too. We added one to the anonymous count of calls.",
            busy: "Thanks for trying. Try a district office, or send the letter instead."
          }[action] || "Thank you.");
        }).catch(function () {
          button.disabled = false;
          announce("We couldn't record that just now. Please try the button again in a moment.");
        });
      });
    });
  }
})();
