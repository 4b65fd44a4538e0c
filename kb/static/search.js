// The published site's search (search/index.html): ranks the entries of search/index.json
// (kb.publish.search_index) by the words typed, each found as the beginning of a word,
// case and accents folded; shows the best 50, each label linking to its page. No framework.
(function () {
  "use strict";
  const LIMIT = 50;
  const WEIGHTS = { label: 10, names: 6, type: 2, description: 1 };
  const box = document.getElementById("q");
  const list = document.getElementById("hits");
  const status = document.getElementById("search-status");
  if (!box || !list) return;
  const fold = (s) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const words = (s) => fold(s).match(/[\p{L}\p{N}]+/gu) || [];
  let entries = null;

  function prepare(doc) {
    return doc.entries.map((e, order) => {
      const [path, iri, type, label, names, description] = e;
      const typeLabel = doc.types[type] || "";
      return {
        path, iri, label, description, order, type: typeLabel,
        words: {
          label: words(label), names: words(names.join(" ")),
          type: words(typeLabel), description: words(description),
        },
      };
    });
  }

  function score(entry, typed) {
    let total = 0;
    for (const w of typed) {
      let best = 0;
      for (const field in WEIGHTS) {
        for (const word of entry.words[field]) {
          if (word.startsWith(w)) {
            best = Math.max(best, WEIGHTS[field] * (word === w ? 1.5 : 1));
          }
        }
      }
      if (!best) return 0;  // every word must be found
      total += best;
    }
    return total;
  }

  // `text` with the words beginning with a typed word in <mark>, built as DOM nodes (the
  // data's text is never markup)
  function marked(text, typed) {
    const out = document.createDocumentFragment();
    const re = /[\p{L}\p{N}]+/gu;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      const w = fold(m[0]);
      if (typed.some((t) => w.startsWith(t))) {
        out.append(text.slice(last, m.index));
        const mark = document.createElement("mark");
        mark.textContent = m[0];
        out.append(mark);
        last = m.index + m[0].length;
      }
    }
    out.append(text.slice(last));
    return out;
  }

  function show(text) {
    list.replaceChildren();
    const typed = words(text);
    if (!typed.length) { status.textContent = ""; return; }
    const found = [];
    for (const e of entries) {
      const s = score(e, typed);
      if (s) found.push([s, e]);
    }
    found.sort((a, b) => b[0] - a[0] || a[1].order - b[1].order);
    status.textContent = found.length > LIMIT
      ? `the best ${LIMIT} of ${found.length} found` : `${found.length} found`;
    for (const [, e] of found.slice(0, LIMIT)) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.className = "hit";
      a.href = "../" + e.path.split("/").map(encodeURIComponent).join("/") + ".html";
      a.append(marked(e.label, typed));
      const type = document.createElement("span");
      type.className = "type";
      type.textContent = e.type;
      li.append(a, " ", type);
      if (e.description) {
        const d = document.createElement("div");
        d.className = "snippet";
        d.append(marked(e.description, typed));
        li.append(d);
      }
      const iri = document.createElement("div");
      iri.className = "iri";
      iri.append(document.createElement("code"));
      iri.firstChild.textContent = e.iri;
      li.append(iri);
      list.append(li);
    }
  }

  const given = new URLSearchParams(location.search).get("q") || "";
  box.value = given;
  status.textContent = "loading the index …";
  fetch("index.json")
    .then((r) => { if (!r.ok) throw new Error(r.status + " " + r.statusText); return r.json(); })
    .then((doc) => {
      entries = prepare(doc);
      status.textContent = "";
      show(box.value);
      box.addEventListener("input", () => show(box.value));
      box.form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        history.replaceState(null, "", "?q=" + encodeURIComponent(box.value));
        show(box.value);
      });
    })
    .catch((err) => {
      status.textContent = "the index could not be read (" + err.message + "); " +
        "opened from a file, a browser refuses to read it: serve the folder over HTTP";
    });
})();
