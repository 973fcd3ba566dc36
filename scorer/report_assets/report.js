/* unct-scorer report: sorting, filters, country detail and live weights.
 *
 * The live recomputation mirrors the Python pipeline step for step so that the
 * page gives the numbers `unct-scorer rank -w ...` gives, to the last bit:
 *   scorer.core.aggregation.weighted_sum, the one weighted-sum kernel (effective
 *   weights renormalised over the available criteria, then the sum of the
 *   contributions with numpy's pairwise summation), scorer.core.ranking.rank_scores
 *   (competition "min" ranks on scores rounded to 12 decimals with numpy's
 *   round-half-even), ranking_order
 *   (score descending, then id by code point) and assign_tiers.
 * Nothing is fetched: the data is the JSON block #report-data.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("report-data").textContent);
  const crits = data.criteria;
  const nCrit = crits.length;
  const countries = data.countries;
  const n = countries.length;
  const tiers = data.tiers;
  const scale = Math.pow(10, data.tie_decimals);
  const fileWeights = crits.map((c) => c.weight);

  /* ---------- the maths, mirroring numpy ---------- */

  /** numpy's pairwise_sum for float64 (used by ndarray.sum along a contiguous axis). */
  function pairwiseSum(a, start, len) {
    if (len < 8) {
      let res = 0.0;
      for (let i = 0; i < len; i++) res += a[start + i];
      return res;
    }
    if (len <= 128) {
      const r = a.slice(start, start + 8);
      let i = 8;
      for (; i < len - (len % 8); i += 8) {
        for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
      }
      let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < len; i++) res += a[start + i];
      return res;
    }
    let n2 = Math.floor(len / 2);
    n2 -= n2 % 8;
    return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, len - n2);
  }

  function sum(a) {
    return pairwiseSum(a, 0, a.length);
  }

  /** Round half to even, like C's rint (numpy.round uses it). */
  function rint(x) {
    const r = Math.round(x);
    if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
    return r;
  }

  /** numpy.round(x, tie_decimals): x * 10**d, rint, / 10**d. */
  function roundTie(x) {
    return rint(x * scale) / scale;
  }

  /** Compare strings by Unicode code point, as Python does. */
  function cmpCodePoints(a, b) {
    const x = Array.from(a);
    const y = Array.from(b);
    const m = Math.min(x.length, y.length);
    for (let i = 0; i < m; i++) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return x.length - y.length;
  }

  /**
   * Scores, ranks and tiers for relative criterion weights `w`.
   * Returns {ok, message, score, rounded, rank, tier, contrib, eff, order}.
   */
  function compute(w) {
    if (w.length !== nCrit || w.some((v) => !(Number.isFinite(v) && v >= 0))) {
      return { ok: false, message: "every weight should be a number >= 0" };
    }
    if (w.every((v) => v === 0)) {
      return { ok: false, message: "criterion weights should not all be 0, but they are" };
    }
    const score = new Array(n);
    const contrib = new Array(n);
    const eff = new Array(n);
    const empty = [];
    for (let i = 0; i < n; i++) {
      const s = countries[i].s;
      const m = countries[i].m;
      const wi = new Array(nCrit);
      for (let c = 0; c < nCrit; c++) wi[c] = m[c] ? w[c] : 0.0;
      const total = sum(wi);
      const e = new Array(nCrit);
      const k = new Array(nCrit);
      for (let c = 0; c < nCrit; c++) {
        e[c] = total > 0 ? wi[c] / total : 0.0;
        k[c] = m[c] ? e[c] * s[c] : 0.0;
      }
      eff[i] = e;
      contrib[i] = k;
      if (!(total > 0) || !m.some(Boolean)) {
        score[i] = NaN;
        empty.push(countries[i].name);
      } else {
        score[i] = sum(k);
      }
    }
    if (empty.length) {
      return {
        ok: false,
        message:
          empty.length + " countr" + (empty.length === 1 ? "y has" : "ies have") +
          " no usable value for any weighted criterion (" + empty.slice(0, 5).map(iso).join(", ") +
          (empty.length > 5 ? ", …" : "") + "); the command line refuses these weights",
      };
    }
    const rounded = score.map(roundTie);
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (rounded[b] - rounded[a]) || cmpCodePoints(countries[a].id, countries[b].id));
    const rank = new Array(n);
    for (let p = 0; p < n; p++) {
      const i = order[p];
      rank[i] = p > 0 && rounded[order[p - 1]] === rounded[i] ? rank[order[p - 1]] : p + 1;
    }
    const tier = new Array(n);
    for (let i = 0; i < n; i++) {
      let t = tiers.length - 1;
      for (let j = 0; j < tiers.length; j++) {
        const rule = tiers[j];
        let meets;
        if (rule.top !== null) meets = rank[i] <= rule.top;
        else if (rule.min_score !== null) meets = rounded[i] >= rule.min_score;
        else meets = true;
        if (meets) {
          t = j;
          break;
        }
      }
      tier[i] = t;
    }
    const decimals = scoreDecimals(order.map((i) => score[i]), data.top_k);
    return { ok: true, message: "", score, rounded, rank, tier, contrib, eff, order, decimals };
  }

  /* ---------- formatting ---------- */

  /**
   * The fewest decimals (3 to 8) that tell neighbouring scores apart around the cut (every pair when 4 suffice);
   * mirrors scorer.render.formatting.score_decimals on scores in ranking order.
   */
  function scoreDecimals(sorted, cut) {
    const separate = (a, b) => {
      for (let d = 3; d <= 8; d++) if (fixed(a, d) !== fixed(b, d)) return d;
      return 8;
    };
    const need = (from, to) => {
      let d = 3;
      for (let i = from; i < to; i++) {
        const a = sorted[i];
        const b = sorted[i + 1];
        if (!Number.isFinite(a) || !Number.isFinite(b) || roundTie(a) === roundTie(b)) continue;
        d = Math.max(d, separate(a, b));
      }
      return d;
    };
    const m = sorted.length;
    if (m < 2) return 3;
    const around = need(Math.max(0, cut - 2), Math.min(m - 1, cut + 1));
    const everywhere = need(0, m - 1);
    return everywhere <= 4 ? Math.max(around, everywhere) : around;
  }

  /** x with d decimals, blank when not a number, never "-0.000" (as scorer.render.formatting.format_score). */
  function fixed(x, d) {
    if (!Number.isFinite(x)) return "";
    const text = x.toFixed(d);
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  }

  function pct(x, d) {
    return Number.isFinite(x) ? (x * 100).toFixed(d || 0) + "%" : "";
  }

  /** Python's repr() of a float: the shortest round-trip digits, laid out as CPython does. */
  function pyRepr(x) {
    if (!Number.isFinite(x)) return String(x);
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const sign = x < 0 ? "-" : "";
    const [mantissa, exp] = Math.abs(x).toExponential().split("e");
    const digits = mantissa.replace(".", "");
    const decpt = Number(exp) + 1;
    if (decpt < -3 || decpt > 16) {
      const e = decpt - 1;
      const head = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      return sign + head + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    }
    if (decpt <= 0) return sign + "0." + "0".repeat(-decpt) + digits;
    if (decpt >= digits.length) return sign + digits + "0".repeat(decpt - digits.length) + ".0";
    return sign + digits.slice(0, decpt) + "." + digits.slice(decpt);
  }

  /** A number as PyYAML reads back as the same float; mirrors scorer.report.yaml_number. */
  function yamlNumber(x) {
    let s = pyRepr(x);
    if (/e/.test(s) && s.indexOf(".") < 0) s = s.replace("e", ".0e");
    return s;
  }

  /** A name isolated for bidirectional text in plain-text places (FSI ... PDI), so it cannot reorder what follows. */
  function iso(text) {
    return "\u2068" + text + "\u2069";
  }

  /** A <bdi> element holding a name: right-to-left names and stray direction marks stay inside it. */
  function bdi(text) {
    return el("bdi", { text: text });
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (k === "text") node.textContent = v;
        else if (k === "class") node.className = v;
        else node.setAttribute(k, v);
      }
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  /* ---------- state ---------- */

  const tbody = document.querySelector("#ranking-table tbody");
  const rows = Array.from(tbody.querySelectorAll("tr[data-i]"));
  const rowOf = new Array(n);
  for (const tr of rows) rowOf[Number(tr.dataset.i)] = tr;

  let weights = fileWeights.slice();
  let state = {
    score: countries.map((c) => c.score),
    rank: countries.map((c) => c.rank),
    tier: countries.map((c) => c.tier),
    contrib: countries.map((c) => c.contrib),
    eff: countries.map((c) => c.eff),
    decimals: data.score_decimals,
  };
  let sortKey = "rank";
  let sortDir = 1;
  let selected = null;

  /* ---------- table: update, sort, filter ---------- */

  function barSegments(i) {
    const bar = rowOf[i].querySelector(".bar");
    if (!bar) return;
    const parts = state.contrib[i];
    const spans = bar.querySelectorAll("span");
    for (let c = 0; c < nCrit; c++) {
      const v = parts[c];
      const width = data.aggregation === "arithmetic" ? Math.max(0, v) * 100 / data.bar_scale : Math.max(0, v) * 100 / nCrit;
      spans[c].style.width = width.toFixed(3) + "%";
      spans[c].title = crits[c].label + ": " + fixed(v, 4);
    }
  }

  function updateRows() {
    for (let i = 0; i < n; i++) {
      const tr = rowOf[i];
      tr.querySelector(".rank").textContent = String(state.rank[i]);
      const sc = tr.querySelector(".score");
      sc.textContent = fixed(state.score[i], state.decimals);
      sc.dataset.score = String(state.score[i]);
      const tierCell = tr.querySelector(".tier");
      tierCell.textContent = tiers[state.tier[i]].name;
      tierCell.className = "tier tier-" + state.tier[i];
      tr.dataset.tier = String(state.tier[i]);
      barSegments(i);
    }
  }

  function sortValue(i) {
    switch (sortKey) {
      case "name":
        return countries[i].name;
      case "region":
        return countries[i].region || "";
      case "tier":
        return state.tier[i];
      case "score":
        return -state.score[i];
      case "coverage":
        return countries[i].coverage;
      case "chosen":
        return countries[i].chosen ? 0 : 1;
      case "ptop":
        return data.sensitivity ? -data.sensitivity.p_top[i] : 0;
      case "interval":
        return data.sensitivity ? data.sensitivity.low[i] : 0;
      default:
        return state.rank[i];
    }
  }

  function sortRows() {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => {
      const va = sortValue(a);
      const vb = sortValue(b);
      let d = typeof va === "string" ? va.localeCompare(vb) : va - vb;
      if (d === 0) d = state.rank[a] - state.rank[b] || cmpCodePoints(countries[a].id, countries[b].id);
      return d * sortDir;
    });
    for (const i of idx) tbody.append(rowOf[i]);
    for (const th of document.querySelectorAll("#ranking-table th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === sortKey ? (sortDir > 0 ? "ascending" : "descending") : "none");
    }
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  const searchBox = document.getElementById("filter-search");
  const regionBox = document.getElementById("filter-region");
  const tierBox = document.getElementById("filter-tier");
  const countLine = document.getElementById("filter-count");
  const chosenBox = document.getElementById("filter-chosen");

  /** What the search box matches: name, code and, for an office, its members' names and codes. */
  const searchText = countries.map((c) =>
    [c.name, c.id, ...(c.members || []).flatMap((m) => [m.name, m.id])].map(fold)
  );

  function applyFilters() {
    const q = fold(searchBox.value);
    const region = regionBox ? regionBox.value : "";
    const tier = tierBox.value;
    const onlyChosen = chosenBox ? chosenBox.checked : false;
    let shown = 0;
    for (let i = 0; i < n; i++) {
      const c = countries[i];
      const ok =
        (!q || searchText[i].some((text) => text.includes(q))) &&
        (!region || c.region === region) &&
        (tier === "" || String(state.tier[i]) === tier) &&
        (!onlyChosen || c.chosen);
      rowOf[i].hidden = !ok;
      if (ok) shown++;
    }
    countLine.textContent = "Showing " + shown + " of " + n + " ranked countries.";
  }

  /* ---------- summary ---------- */

  function updateSummary() {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => state.rank[a] - state.rank[b] || cmpCodePoints(countries[a].id, countries[b].id)
    );
    const top = document.getElementById("top-list");
    if (top) {
      top.replaceChildren(
        ...order.slice(0, data.top_k).map((i) =>
          el("li", {}, [bdi(countries[i].name), " ", el("span", { class: "id", text: "(" + fixed(state.score[i], state.decimals) + ")" })])
        )
      );
    }
    for (let t = 0; t < tiers.length; t++) {
      const node = document.getElementById("tier-count-" + t);
      if (node) node.textContent = String(state.tier.filter((x) => x === t).length);
    }
  }

  /* ---------- country detail ---------- */

  const detail = document.getElementById("detail");

  /**
   * Show country i's breakdown. When `reveal` (a click on a name), the panel (just above the table) scrolls into
   * view and takes the focus, so keyboard and screen-reader users land on it too.
   */
  function showDetail(i, reveal) {
    selected = i;
    const c = countries[i];
    const head = el("h3", {}, [
      bdi(c.name),
      " (" + c.id + "): rank " + state.rank[i] + " of " + n + ", tier " + tiers[state.tier[i]].name +
        ", score " + fixed(state.score[i], 4),
    ]);
    const critRows = crits.map((k, j) =>
      el("tr", {}, [
        el("td", {}, [el("span", { class: "swatch c" + (j % 8) }), k.label]),
        el("td", { text: k.cites }),
        el("td", { class: "num", text: c.m[j] ? pct(state.eff[i][j], 1) : "left out" }),
        el("td", { class: "num", text: c.m[j] ? fixed(c.s[j], 4) : "" }),
        el("td", { class: "num", text: fixed(state.contrib[i][j], 4) }),
      ])
    );
    const critTable = el("table", {}, [
      el("thead", {}, [
        el("tr", {}, [
          el("th", { text: "Criterion" }),
          el("th", { text: "Cites" }),
          el("th", { class: "num", text: "Weight for this country" }),
          el("th", { class: "num", text: "Criterion score (0-1)" }),
          el("th", { class: "num", text: data.aggregation === "arithmetic" ? "Contribution" : "Criterion score" }),
        ]),
      ]),
      el("tbody", {}, critRows),
    ]);
    const office = Boolean(c.members);
    const indRows = data.indicators.map((ind, j) => {
      const cell = c.ind[j];
      const raw = cell[0] === null ? "blank" : cell[1] ? cell[1] + " (" + cell[0] + ")" : String(cell[0]);
      const cells = [
        el("td", { text: ind.criterion_label }),
        el("td", { text: ind.label }),
        el("td", {}, [el("code", { text: ind.column })]),
        el("td", { class: "num", text: raw }),
      ];
      if (office) cells.push(el("td", { class: "members-values", text: cell[4] || "" }));
      cells.push(
        el("td", { class: "num", text: cell[2] === null ? "" : fixed(cell[2], 4) }),
        el("td", { text: cell[3] || "" })
      );
      return el("tr", {}, cells);
    });
    const indTable = el("table", {}, [
      el("thead", {}, [
        el("tr", {}, [
          el("th", { text: "Criterion" }),
          el("th", { text: "Indicator" }),
          el("th", { text: "Column" }),
          el("th", { class: "num", text: office ? "Office value" : "Value used" }),
          ...(office ? [el("th", { text: "Members' values" })] : []),
          el("th", { class: "num", text: "Normalised (0-1)" }),
          el("th", { text: "Imputed" }),
        ]),
      ]),
      el("tbody", {}, indRows),
    ]);
    const close = el("button", { type: "button", class: "action secondary", text: "Close" });
    close.addEventListener("click", () => {
      selected = null;
      detail.hidden = true;
      const back = rowOf[i].querySelector("button.country");
      if (back) back.focus();
    });
    const extra = [];
    if (office) {
      extra.push(el("p", { class: "office", text: c.office.charAt(0).toUpperCase() + c.office.slice(1) + "." }));
      extra.push(
        el("p", { class: "office-members" }, [
          "Members: ",
          ...c.members.flatMap((m, j) => [...(j ? [", "] : []), bdi(m.name), " (" + m.id + ")"]),
          ".",
        ])
      );
    }
    if (data.selection) {
      extra.push(
        el("p", {
          class: "stale-when-changed" + (sameAsFile() ? "" : " stale"),
          text: c.chosen ? "In the recommended set." : "Not in the recommended set.",
        })
      );
    }
    const what = [];
    if (data.stability) {
      /* Sentences for the report's weights (scorer.report.run_stability); greyed out once the weights move. */
      const k = data.stability.top_k;
      what.push(
        el("div", { class: "what stale-when-changed" + (sameAsFile() ? "" : " stale") }, [
          el("p", { text: "At the report's weights, what one change would move it into or out of the top " + k + ":" }),
          el("ul", {}, [
            el("li", { text: "One weight: " + data.stability.weight[i] }),
            el("li", { text: "One criterion score: " + data.stability.value[i] }),
          ]),
        ])
      );
    }
    const wrap = (table, label) => el("div", { class: "table-wrap", "data-label": label + " of " + iso(c.name) }, [table]);
    detail.replaceChildren(head, ...extra, wrap(critTable, "Criteria"), ...what, wrap(indTable, "Indicators"), close);
    detail.setAttribute("aria-label", "Breakdown of " + iso(c.name));
    detail.hidden = false;
    focusableScrollers();
    if (reveal) {
      detail.scrollIntoView({ block: "start" });
      detail.focus({ preventScroll: true });
    }
  }

  /* ---------- weights ---------- */

  const live = data.live;
  const status = document.getElementById("weights-status");
  const cliLine = document.getElementById("cli-equivalent");
  const downloadButton = document.getElementById("download-yaml");
  const resetButton = document.getElementById("reset-weights");
  const ranges = crits.map((_, c) => document.getElementById("w-range-" + c));
  const numbers = crits.map((_, c) => document.getElementById("w-number-" + c));
  const shares = crits.map((_, c) => document.getElementById("w-share-" + c));

  /** What the sliders do not recompute, in words: "the recommended set, the sensitivity columns and ...". */
  const staleParts = (() => {
    const parts = ["the greyed sentences at a glance"];
    if (data.selection) parts.push("the recommended set");
    if (data.sensitivity) parts.push("the sensitivity columns");
    if (data.stability) parts.push("what would change the list");
    if (parts.length === 0) return "";
    return parts.length === 1 ? parts[0] : parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1];
  })();

  function sameAsFile() {
    return weights.every((v, c) => v === fileWeights[c]);
  }

  /** "engagement 50%, representation 10%, ..." as nodes, each criterion isolated (scorer.report.glance.weights_parts). */
  function weightsNodes(w) {
    const total = w.reduce((a, b) => a + b, 0);
    return crits.flatMap((k, c) => [...(c ? [", "] : []), bdi(k.short), " " + pct(total > 0 ? w[c] / total : NaN, 0)]);
  }

  const glanceWeights = document.getElementById("glance-weights");
  const glanceWeightsNodes = glanceWeights ? Array.from(glanceWeights.childNodes) : [];
  const tunedWeights = document.getElementById("tuned-weights");
  const printWeights = document.getElementById("weights-print");

  /** Every sentence that states the weights in use: the glance block's, the banner's and the printed list. */
  function showTuned(changed) {
    if (glanceWeights) {
      glanceWeights.replaceChildren(
        ...(changed
          ? [...weightsNodes(weights), " (moved in this page; this report's: ", ...weightsNodes(fileWeights), ")"]
          : glanceWeightsNodes)
      );
    }
    if (tunedWeights) tunedWeights.replaceChildren(...weightsNodes(weights));
    if (printWeights) {
      const total = weights.reduce((a, b) => a + b, 0);
      printWeights.replaceChildren(
        changed ? "Weights used, moved in this page (relative; share in brackets): " : "Weights used (relative; share in brackets): ",
        ...crits.flatMap((k, c) => [
          ...(c ? [", "] : []),
          bdi(k.short),
          " " + yamlNumber(weights[c]) + " (" + pct(total > 0 ? weights[c] / total : NaN, 0) + ")",
        ]),
        "."
      );
    }
  }

  function showWeights() {
    const total = weights.reduce((a, b) => a + b, 0);
    for (let c = 0; c < nCrit; c++) {
      if (shares[c]) shares[c].textContent = total > 0 ? pct(weights[c] / total, 1) : "";
    }
    const changed = !sameAsFile();
    if (cliLine) {
      cliLine.textContent =
        data.command_prefix + crits.map((k, c) => " -w " + k.id + "=" + yamlNumber(weights[c])).join("");
    }
    showTuned(changed);
    for (const node of document.querySelectorAll(".stale-when-changed")) node.classList.toggle("stale", changed);
    document.body.classList.toggle("weights-changed", changed);
  }

  /** Set relative weights (an object {criterion id: weight} or an array) and recompute. */
  function setWeights(next) {
    const w = Array.isArray(next) ? next.slice() : crits.map((k, c) => (k.id in next ? next[k.id] : weights[c]));
    const result = compute(w.map(Number));
    weights = w.map(Number);
    for (let c = 0; c < nCrit; c++) {
      if (numbers[c] && Number(numbers[c].value) !== weights[c]) numbers[c].value = String(weights[c]);
      if (ranges[c]) ranges[c].value = String(weights[c]);
      if (numbers[c]) numbers[c].classList.remove("invalid");
    }
    showWeights();
    if (!result.ok) {
      status.textContent = "Not recomputed: " + result.message + ".";
      status.className = "status warn";
      if (downloadButton) downloadButton.disabled = true;
      return result;
    }
    state = result;
    status.textContent = sameAsFile()
      ? "Showing the weights this report was made with."
      : "Recomputed with the weights above (ranks, scores, tiers and bars" +
        (staleParts ? "; " + staleParts + " still show the report's weights" : "") +
        ").";
    status.className = "status";
    if (downloadButton) downloadButton.disabled = !data.yaml;
    updateRows();
    sortRows();
    applyFilters();
    updateSummary();
    if (selected !== null) showDetail(selected);
    return result;
  }

  function tunedYaml() {
    if (!data.yaml) return null;
    let text = data.yaml.text;
    const spans = data.yaml.spans.map((s, c) => [s[0], s[1], c]).sort((a, b) => b[0] - a[0]);
    for (const [start, end, c] of spans) text = text.slice(0, start) + yamlNumber(weights[c]) + text.slice(end);
    return text;
  }

  function download() {
    const text = tunedYaml();
    if (text === null) return;
    const blob = new Blob([text], { type: "application/x-yaml" });
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: data.yaml.download_name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  if (live) {
    for (let c = 0; c < nCrit; c++) {
      ranges[c].addEventListener("input", () => {
        const w = weights.slice();
        w[c] = Number(ranges[c].value);
        setWeights(w);
      });
      numbers[c].addEventListener("input", () => {
        const v = numbers[c].value.trim() === "" ? NaN : Number(numbers[c].value);
        if (!(Number.isFinite(v) && v >= 0)) {
          numbers[c].classList.add("invalid");
          status.textContent = "Not recomputed: the weight of " + crits[c].label + " should be a number >= 0.";
          status.className = "status warn";
          return;
        }
        const w = weights.slice();
        w[c] = v;
        setWeights(w);
      });
    }
    resetButton.addEventListener("click", () => setWeights(fileWeights.slice()));
    const bannerReset = document.getElementById("tuned-reset");
    if (bannerReset) bannerReset.addEventListener("click", () => setWeights(fileWeights.slice()));
    for (const button of document.querySelectorAll("button[data-reset-weights]")) {
      button.addEventListener("click", () => setWeights(fileWeights.slice()));
    }
    if (downloadButton) downloadButton.addEventListener("click", download);
    showWeights();
  }

  /* ---------- wiring ---------- */

  for (const th of document.querySelectorAll("#ranking-table th[data-sort]")) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.sort;
      if (key === sortKey) sortDir = -sortDir;
      else {
        sortKey = key;
        sortDir = 1;
      }
      sortRows();
    });
  }
  tbody.addEventListener("click", (event) => {
    const button = event.target.closest("button.country");
    if (button) showDetail(Number(button.closest("tr").dataset.i), true);
  });
  searchBox.addEventListener("input", applyFilters);
  if (regionBox) regionBox.addEventListener("change", applyFilters);
  if (chosenBox) chosenBox.addEventListener("change", applyFilters);
  tierBox.addEventListener("change", applyFilters);
  applyFilters();

  /* ---------- print: collapsed sections print open, and close again afterwards ---------- */

  window.addEventListener("beforeprint", () => {
    for (const d of document.querySelectorAll("details:not([open])")) {
      d.dataset.openedForPrint = "true";
      d.open = true;
    }
  });
  window.addEventListener("afterprint", () => {
    for (const d of document.querySelectorAll("details[data-opened-for-print]")) {
      delete d.dataset.openedForPrint;
      d.open = false;
    }
  });

  let labelCount = 0;

  /** The element that names a box: its table's caption or its chart's title, else the nearest heading or
   * <summary> before it (in it or in a parent's earlier siblings); given an id when it has none. */
  function labelIdFor(box) {
    let label = box.querySelector("caption, svg > title");
    for (let node = box; !label && node && node !== document.body; node = node.parentElement) {
      for (let prev = node.previousElementSibling; prev && !label; prev = prev.previousElementSibling) {
        if (/^(H[1-6]|SUMMARY)$/.test(prev.tagName)) label = prev;
      }
    }
    if (!label) return null;
    if (!label.id) label.id = "scroll-label-" + ++labelCount;
    return label.id;
  }

  /** A box that scrolls (a wide table or chart on a narrow screen) takes the keyboard focus, so arrow keys
   * scroll it (WCAG 2.1.1; axe's scrollable-region-focusable), and is a region named by its caption or heading
   * (WCAG 4.1.2), or by its data-label; a box that fits is no extra tab stop and no landmark. */
  function focusableScrollers() {
    // Every size is read before any attribute is written: one layout for the page, not one per box.
    const boxes = Array.from(document.querySelectorAll(".table-wrap, .chart-wrap"));
    const scrolls = boxes.map((box) => box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight);
    boxes.forEach((box, i) => {
      const labelId = scrolls[i] && !box.dataset.label ? labelIdFor(box) : null;
      const wanted = {
        tabindex: scrolls[i] ? "0" : null,
        role: scrolls[i] && (box.dataset.label || labelId) ? "region" : null,
        "aria-label": scrolls[i] && box.dataset.label ? box.dataset.label : null,
        "aria-labelledby": scrolls[i] && !box.dataset.label ? labelId : null,
      };
      for (const [name, value] of Object.entries(wanted)) {
        if (value === null) box.removeAttribute(name);
        else if (box.getAttribute(name) !== value) box.setAttribute(name, value);
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("toggle", focusableScrollers, true); // a <details> opened shows its tables

  /** The page's API, for tests and for anyone scripting the page from the console. */
  window.unctReport = {
    setWeights,
    weights: () => Object.fromEntries(crits.map((k, c) => [k.id, weights[c]])),
    compute: (w) => compute(Array.isArray(w) ? w : crits.map((k, c) => (k.id in w ? w[k.id] : fileWeights[c]))),
    results: () =>
      countries.map((c, i) => ({ id: c.id, name: c.name, rank: state.rank[i], score: state.score[i], tier: tiers[state.tier[i]].name })),
    tunedYaml,
    yamlNumber,
    live,
  };
  document.body.dataset.ready = "true";
})();
