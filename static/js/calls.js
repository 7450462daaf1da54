// Call mode, progressively enhanced. Without this file every outcome button is a plain form
// post and everything works. With it:
//  - an outcome is posted with fetch (the same form, the same URL) and the answer's <main>
//    replaces this page's <main>: no page load, focus on the new heading;
//  - the offices after this one are fetched in advance, each with outcome "skip", which the
//    server never counts (<html data-ahead> says how many pages are ready);
//  - when a post gets no answer in time (the data connection dropped; phone calls may still
//    work) or is turned away as too many (a phone bank on one connection), the outcome is
//    queued in localStorage (anonymous parts only: the count URL, the signed visit, which
//    holds the state and district looked up, the office, the outcome and its time) and the
//    next office is shown from the pages fetched in advance, so the volunteer keeps calling.
//    Without one, the office is marked done and the next follows when the connection is back;
//  - the queue is sent when the `online` event fires, when the page is shown again, every
//    half minute while it isn't empty, on the next call page that loads, and after any
//    request that gets through; so is an outcome the server's database could not take;
//  - pages fetched with "skip" log the office as skipped: the outcome given is put back in
//    their log and in the summary;
//  - the server counts one outcome per visit and office, so a post that got through while its
//    answer was lost, then the same outcome from the queue, counts once;
//  - any other error page (an expired form) counted nothing: its message is shown and the
//    buttons stay.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }

  var QUEUE = "advocacy.calls.queue";
  var MAX_AGE = 7 * 24 * 3600 * 1000; // a week: later, the count would land on the wrong day
  var MAX_ITEMS = 100;
  var WAIT = 15000; // ms before a post without an answer counts as offline
  var RETRY = 30000; // ms between tries to send the queue
  var memory = []; // the queue when localStorage is unavailable (kept while the page is open)
  var busy = false;
  var pending = null; // {form}: an office done offline, its next page not here yet
  var given = {}; // member -> {outcome, label}: this visit's outcomes, put back into pages
  var ahead = {}; // office index (the summary: the number of offices) -> a page fetched early
  var walking = false;
  var flushing = null;
  var unseen = 0; // outcomes sent from the queue that the page hasn't mentioned yet

  // -- the queue -------------------------------------------------------------------------------

  function store() {
    try { var s = window.localStorage; s.getItem(QUEUE); return s; } catch (e) { return null; }
  }

  function usable(item) {
    return item && typeof item.url === "string" && typeof item.at === "number" &&
      Date.now() - item.at < MAX_AGE;
  }

  function readQueue() {
    var s = store();
    if (!s) { return memory.filter(usable); }
    try {
      var items = JSON.parse(s.getItem(QUEUE) || "[]");
      return Array.isArray(items) ? items.filter(usable) : [];
    } catch (e) { return []; }
  }

  function writeQueue(items) {
    items = items.filter(usable).slice(-MAX_ITEMS);
    var s = store();
    if (!s) { memory = items; return; }
    try {
      if (items.length) { s.setItem(QUEUE, JSON.stringify(items)); } else { s.removeItem(QUEUE); }
    } catch (e) { memory = items; }
  }

  function enqueue(item) { writeQueue(readQueue().concat([item])); }

  function forget(key) {
    writeQueue(readQueue().filter(function (item) { return item.key !== key; }));
  }

  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute("content") : "";
  }

  function token() {
    var field = document.querySelector("main input[name=csrf_token]");
    return field && field.value ? field.value : meta("csrf-token");
  }

  // One queued outcome to its count URL: "sent", "retry" (offline, busy, expired form) or "drop".
  function send(item) {
    return fetchText(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
      body: JSON.stringify({ visit: item.visit, member: item.member, action: item.action, at: item.at })
    }).then(function (answer) {
      var status = answer.response.status;
      if (answer.response.ok) { return "sent"; }
      if (status === 429 || status >= 500) { return "retry"; }
      try {
        var body = JSON.parse(answer.text);
        return body && body.error && body.error.code === "csrf" ? "retry" : "drop";
      } catch (e) { return "drop"; }
    }, function () { return "retry"; });
  }

  // Send the queue, one at a time; each is removed as soon as the server has it. A lock keeps
  // two tabs from sending the same outcome.
  function drain() {
    var sent = 0;
    function next() {
      var item = readQueue()[0];
      if (!item) { return Promise.resolve(sent); }
      return send(item).then(function (result) {
        if (result === "retry") { return sent; }
        forget(item.key);
        if (result === "sent") { sent += 1; }
        return next();
      });
    }
    return next();
  }

  function flush() {
    if (flushing) { return flushing; }
    if (!readQueue().length) { return Promise.resolve(0); }
    var run = navigator.locks && navigator.locks.request
      ? navigator.locks.request(QUEUE, drain)
      : drain();
    flushing = run.then(function (sent) {
      flushing = null;
      unseen += sent;
      noteQueue();
      return sent;
    }, function () { flushing = null; return 0; });
    return flushing;
  }

  // -- the page --------------------------------------------------------------------------------

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // A short line at the top of <main> while outcomes wait to be sent, and once they are.
  function noteQueue() {
    var main = document.querySelector("main");
    if (!main || main.querySelector(".offline-notice")) { return; }
    var note = main.querySelector("#queue-note");
    var waiting = readQueue().length;
    var text = waiting
      ? plural(waiting, "call outcome is", "call outcomes are") +
        " saved on this phone and will be sent as soon as the connection allows."
      : unseen ? "Back online: " + plural(unseen, "saved call outcome was", "saved call outcomes were") + " sent." : "";
    if (!waiting) { unseen = 0; }
    if (!text) { if (note) { note.remove(); } return; }
    if (!note) {
      note = document.createElement("p");
      note.id = "queue-note";
      note.className = "queue-note";
      note.setAttribute("role", "status");
      main.insertBefore(note, main.firstChild);
    }
    note.textContent = text;
  }

  // The form's fields and an outcome. Read from the inputs, so that it works as well for a
  // form in a page fetched in advance (not in this document) as for the one on screen.
  function fields(form, outcome) {
    var data = new URLSearchParams();
    form.querySelectorAll("input[name]").forEach(function (input) {
      data.append(input.name, input.value);
    });
    data.append("outcome", outcome);
    return data;
  }

  // A request and its whole answer, given up after WAIT: on a weak signal a request (or the
  // rest of its answer) can hang for minutes. Fails with "network" when no answer came, and
  // with "lost" ("http" for an error) when the answer stopped half-way.
  function fetchText(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, WAIT) : null;
    if (controller) { options.signal = controller.signal; }
    function done() { if (timer) { clearTimeout(timer); } }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        done();
        return { response: response, text: text };
      }, function () {
        done();
        throw failure(response.ok ? "lost" : "http", "");
      });
    }, function () {
      done();
      throw failure("network", "");
    });
  }

  function post(form, outcome) {
    return fetchText(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      body: fields(form, outcome)
    }).then(function (answer) {
      // From here on the server has answered: an error page counted nothing.
      var response = answer.response;
      var doc = new DOMParser().parseFromString(answer.text, "text/html");
      if (response.status === 429) { throw failure("busy", ""); }
      if (!response.ok) {
        // The start page again (the list expired or changed): it keeps what they typed.
        if (doc.querySelector("main form[data-start]")) { throw failure("restart", "", doc); }
        var message = doc.querySelector("main [role=alert], main .alert, main p");
        throw failure("http", message ? message.textContent.trim() : "");
      }
      if (!doc.querySelector("main")) { throw failure("lost", ""); }
      return doc;
    });
  }

  // kind: "network" (no answer in time), "busy" (too many requests from this connection: a
  // phone bank), "restart" (the list of offices expired or changed: `doc` is the start page),
  // "http" (an error page: nothing was counted), "lost" (the server took the outcome but its
  // answer did not arrive whole).
  function failure(kind, message, doc) {
    var error = new Error(message);
    error.kind = kind;
    error.doc = doc;
    return error;
  }

  function outcomesForm(root) { return root.querySelector("main form.outcomes"); }

  function indexOf(form) { return Number(form.getAttribute("data-index")); }

  // Fetch the offices after the one on screen, one by one, up to the summary.
  function walk() {
    var form = outcomesForm(document);
    if (walking || !form || navigator.onLine === false) { return; }
    walking = true;
    function step(form) {
      var next = indexOf(form) + 1;
      var known = ahead[next] ? Promise.resolve(ahead[next]) : post(form, "skip");
      return known.then(function (doc) {
        ahead[next] = doc;
        document.documentElement.setAttribute("data-ahead", String(Object.keys(ahead).length));
        var following = outcomesForm(doc);
        return following ? step(following) : null;
      });
    }
    step(form).then(function () { walking = false; }, function () { walking = false; });
  }

  // Put this visit's outcomes into a page fetched with "skip": its log and its summary.
  function putBack(doc) {
    doc.querySelectorAll("input[name=log]").forEach(function (entry) {
      var member = entry.value.split(":")[0];
      if (given[member]) { entry.setAttribute("value", member + ":" + given[member].outcome); }
    });
    doc.querySelectorAll("[data-member]").forEach(function (line) {
      var shown = line.querySelector(".outcome");
      var done = given[line.getAttribute("data-member")];
      if (done && shown) { shown.textContent = done.label; }
    });
  }

  function show(doc) {
    var main = document.querySelector("main");
    var fresh = doc.querySelector("main");
    if (!main || !fresh) { return; }
    putBack(doc);
    main.replaceChildren.apply(main, Array.prototype.map.call(fresh.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    if (doc.title) { document.title = doc.title; }
    document.body.className = doc.body.className;
    var csrf = doc.querySelector('meta[name="csrf-token"]');
    var mine = document.querySelector('meta[name="csrf-token"]');
    if (csrf && mine) { mine.setAttribute("content", csrf.getAttribute("content")); }
    window.scrollTo(0, 0);
    var heading = main.querySelector("h1");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    noteQueue();
  }

  function buttons(form, disabled) {
    form.querySelectorAll("button[name=outcome]").forEach(function (b) { b.disabled = disabled; });
  }

  function problem(form, text) {
    var box = form.querySelector(".call-problem");
    if (!box) {
      box = document.createElement("p");
      box.className = "alert call-problem";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.querySelector("fieldset"));
    }
    box.textContent = text || "Something went wrong. Please try the button again in a moment.";
  }

  // The post got no answer (or half of one): queue the outcome (the server drops a repeat),
  // and go on to the next office fetched in advance, or say it follows when back online.
  function offline(form, outcome, label, kind) {
    given[form.getAttribute("data-member")] = { outcome: outcome, label: label };
    if (outcome !== "skip") { save(form, outcome); }
    var next = ahead[indexOf(form) + 1];
    if (next) { show(next); } else { waitForNext(form, outcome, label, kind); }
  }

  function save(form, outcome) {
    var member = form.getAttribute("data-member");
    var visit = form.querySelector("input[name=visit]");
    if (!visit) { return; }
    enqueue({
      key: visit.value + ":" + member,
      url: form.getAttribute("data-count-url"),
      visit: visit.value,
      member: member,
      action: outcome,
      at: Date.now()
    });
  }

  // Take the outcome buttons away (the outcome can't be given twice) and say what follows.
  function waitForNext(form, outcome, label, kind) {
    pending = { form: form };
    var isLast = indexOf(form) + 1 >= Number(form.getAttribute("data-total"));
    var fieldset = form.querySelector("fieldset");
    fieldset.hidden = true;
    var old = form.querySelector(".call-problem");
    if (old) { old.remove(); }
    var notice = document.createElement("div");
    notice.className = "offline-notice";
    notice.setAttribute("role", "alert");
    notice.tabIndex = -1;
    var said = document.createElement("p");
    said.className = "offline-message";
    said.textContent = kind === "busy"
      ? "Too many calls from this connection right now" + (outcome === "skip" ? "." : ": your outcome (" +
        label + ") is saved and will be sent shortly.")
      : outcome === "skip"
        ? "You're offline. We'll move on as soon as you're back online."
        : "You're offline: your outcome (" + label + ") is saved and will be sent when you're back online.";
    var more = document.createElement("p");
    more.className = "offline-more";
    more.textContent = (isLast ? "Your summary" : "The next office") +
      (kind === "busy" ? " follows in a moment." : " follows as soon as the connection is back.");
    var go = document.createElement("button");
    go.type = "button";
    go.className = "secondary";
    go.textContent = isLast ? "Continue to your summary" : "Continue to the next office";
    go.addEventListener("click", resume);
    notice.appendChild(said);
    notice.appendChild(more);
    notice.appendChild(go);
    fieldset.parentNode.insertBefore(notice, fieldset);
    notice.focus();
  }

  // Leave an office done offline: fetch the next page with "skip" (never counted).
  function resume() {
    if (!pending || busy) { return; }
    var form = pending.form;
    var next = ahead[indexOf(form) + 1];
    if (next) { // fetched ahead after all, meanwhile
      pending = null;
      show(next);
      return;
    }
    busy = true;
    var notice = form.querySelector(".offline-notice");
    if (notice) { notice.setAttribute("aria-busy", "true"); }
    post(form, "skip").then(function (doc) {
      busy = false;
      pending = null;
      show(doc);
      flush();
      walk();
    }, function (error) {
      busy = false;
      if (error.kind === "restart") { pending = null; show(error.doc); return; }
      if (notice) { notice.removeAttribute("aria-busy"); }
      var more = notice && notice.querySelector(".offline-more");
      if (more) {
        more.textContent = error.kind === "network"
          ? "Still offline. We'll move on as soon as you're back online."
          : (error.message || "The next page didn't load.") + " Try the button again in a moment.";
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches || !form.matches("form.outcomes") || !button || button.name !== "outcome") {
      return;
    }
    event.preventDefault();
    if (busy || pending) { return; }
    busy = true;
    var outcome = button.value;
    var label = button.getAttribute("data-label") || button.textContent.trim();
    buttons(form, true);
    form.setAttribute("aria-busy", "true");
    post(form, outcome).then(function (doc) {
      busy = false;
      given[form.getAttribute("data-member")] = { outcome: outcome, label: label };
      var unsaved = doc.querySelector("[data-unsaved]");
      if (unsaved) { // the database was busy: keep the outcome here and send it again later
        save(form, outcome);
        unsaved.textContent = "We couldn't record your last outcome just now: it is saved on " +
          "this phone and will be sent again.";
      }
      show(doc);
      flush(); // this one got through: send any that waited
      walk();
    }, function (error) {
      busy = false;
      form.removeAttribute("aria-busy");
      if (error.kind === "restart") { // nothing was counted: start again, typing kept
        show(error.doc);
      } else if (error.kind === "http") { // an error page: nothing was counted; say why, let them retry
        buttons(form, false);
        problem(form, error.message);
        button.focus();
      } else {
        offline(form, outcome, label, error.kind);
      }
    });
  });

  function retry() {
    flush();
    resume();
    walk();
  }

  // A phone on a weak signal may never say it went offline, so `online` may never fire: while
  // outcomes wait, try again now and then, and whenever the page comes back into view.
  window.addEventListener("online", retry);
  window.addEventListener("pageshow", retry);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { retry(); }
  });
  setInterval(function () {
    if (readQueue().length || pending) { retry(); }
  }, RETRY);

  if (navigator.onLine !== false) { flush(); walk(); }
  noteQueue();
})();
