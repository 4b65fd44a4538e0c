// A stored query's parameters as SPARQL terms, bound in a VALUES block at the start of the
// outermost WHERE group (the position comes with the page), as `kb query run --endpoint`
// binds them. One copy for both query pages: kb serve's (/) and the static site's (kb publish).
const kbSparql = (function () {
  const BAD_IRI = /[\u0000-\u0020<>"{}|^`\\]/;
  // The term a parameter field holds: an IRI (<...>, a CURIE of `prefixes`, or absolute)
  // or a literal of the field's datatype; an Error naming the parameter otherwise.
  function term(input, prefixes) {
    const value = input.value.trim(), type = input.dataset.type;
    if (!value) throw new Error("?" + input.name + " needs a value");
    if (type === "iri") {
      let iri = value.replace(/^<(.*)>$/, "$1");
      const i = iri.indexOf(":");
      if (i > 0 && prefixes[iri.slice(0, i)] && !iri.slice(i + 1).startsWith("//"))
        iri = prefixes[iri.slice(0, i)] + iri.slice(i + 1);
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri) || BAD_IRI.test(iri))
        throw new Error("?" + input.name + ": not an absolute IRI: " + value);
      return "<" + iri + ">";
    }
    const lexical = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')
      .replace(/\n/g, "\\n").replace(/\r/g, "\\r");
    return '"' + lexical + '"^^<' + type + ">";
  }
  // `text` with the VALUES block of the parameter fields `inputs` inserted at offset `at`.
  function withValues(text, at, inputs, prefixes) {
    const block = "VALUES (" + inputs.map(p => "?" + p.name).join(" ") + ") { (" +
      inputs.map(p => term(p, prefixes)).join(" ") + ") }";
    return text.slice(0, at) + " " + block + " " + text.slice(at);
  }
  return {term, withValues};
})();
