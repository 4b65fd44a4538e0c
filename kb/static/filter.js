// The filter box of a list table: shows the rows whose text holds every word typed.
document.querySelectorAll("input.filter").forEach((input) => {
  const table = document.getElementById(input.dataset.filter);
  const count = input.closest("p").querySelector(".filter-count");
  const rows = Array.from(table.tBodies[0].rows);
  const apply = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    rows.forEach((row) => {
      const text = row.textContent.toLowerCase();
      const keep = words.every((w) => text.includes(w));
      row.hidden = !keep;
      shown += keep;
    });
    count.textContent = words.length ? `${shown} of ${rows.length} shown` : "";
  };
  input.addEventListener("input", apply);
  apply();
});
