/* The war room's map: constituency outlines drawn with Leaflet (no tiles), coloured by the
   chosen measure, repainted when the polled measures change (a 304 leaves it as it is).
   Clicking a constituency, pressing Enter or Space on it (each shape takes the keyboard
   focus, named with its value), or choosing it in the list opens its panel (htmx). On the
   seats page only the panel's focus handling below runs. */
(function () {
  "use strict";

  // A panel swapped in takes the focus, so keyboard and screen-reader users land on it.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "panel") {
      const title = event.detail.target.querySelector("#panel-title");
      if (title) title.focus();
    }
  });

  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;

  const legend = JSON.parse(document.getElementById("war-legend").textContent);
  const words = JSON.parse(document.getElementById("war-strings").textContent);
  const hindi = document.documentElement.lang === "hi";
  const select = document.getElementById("measure");
  const picker = document.getElementById("ac-pick");
  const legendBox = document.getElementById("legend");
  const COUNT = ["#f4f6f9", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  const SHARE = [
    [-0.5, "#b2182b"], [-0.1, "#ef8a62"], [0.1, "#d9d9d9"], [0.5, "#91cf60"], [1, "#1a9850"],
  ];
  const OUTSIDE = "#ffffff";
  const NO_STANCE = "#efe7d6";

  let values = {};
  let etag = null;
  let chosen = null;
  let layers = {};
  let scale = null;

  const map = L.map(el, {
    zoomSnap: 0.25, attributionControl: false, minZoom: 5, zoomControl: false,
  });
  // Leaflet's own zoom buttons are named in English; these are named in the page's language.
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);

  function measure() {
    return legend.find((m) => m.key === select.value) || legend[0];
  }

  function name(props) {
    return hindi && props.hi ? props.hi : props.en;
  }

  // Counts: zero, then four equal steps up to the largest value on the map.
  function countScale(m) {
    let top = 0;
    for (const v of Object.values(values)) top = Math.max(top, v[m.key] || 0);
    const step = Math.max(1, Math.ceil(top / 4));
    const entries = [{ colour: COUNT[0], label: words.zero }];
    for (let i = 1; i <= 4 && (i - 1) * step < top; i++) {
      const low = (i - 1) * step + 1;
      const high = Math.min(i * step, top);
      entries.push({ colour: COUNT[i], label: low === high ? String(low) : low + "–" + high });
    }
    return {
      colour: (v) => (v ? COUNT[Math.min(4, Math.ceil(v / step))] : COUNT[0]),
      entries: entries,
    };
  }

  function shareScale() {
    return {
      colour: (v) => (v === null || v === undefined ? NO_STANCE : SHARE.find((s) => v <= s[0])[1]),
      entries: [
        { colour: SHARE[0][1], label: words.against },
        { colour: SHARE[2][1], label: words.mixed },
        { colour: SHARE[4][1], label: words.for },
        { colour: NO_STANCE, label: words.noStance },
      ],
    };
  }

  function categoryScale(m) {
    const colours = {};
    for (const c of m.categories) colours[c.value] = c.colour;
    return { colour: (v) => colours[v] || OUTSIDE, entries: m.categories };
  }

  function buildScale() {
    const m = measure();
    scale = m.kind === "count" ? countScale(m) : m.kind === "share" ? shareScale() : categoryScale(m);
  }

  function fillOf(number) {
    const v = values[number];
    return v ? scale.colour(v[measure().key]) : OUTSIDE;
  }

  function style(feature) {
    const number = String(feature.properties.number);
    return {
      color: number === chosen ? "#000000" : "#50505a",
      weight: number === chosen ? 3 : 0.6,
      fillColor: fillOf(number),
      fillOpacity: 0.9,
    };
  }

  function drawLegend() {
    const m = measure();
    const items = scale.entries.slice();
    if (Object.keys(values).length < Object.keys(layers).length) {
      items.push({ colour: OUTSIDE, label: words.outside });
    }
    const list = document.createElement("ul");
    list.setAttribute("aria-label", m.label);
    for (const item of items) {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = item.colour;
      li.append(swatch, document.createTextNode(item.label));
      list.append(li);
    }
    legendBox.replaceChildren(list);
  }

  // What a shape says to a screen reader: its number, its name and the measure's value.
  function labelOf(feature) {
    const m = measure();
    const v = values[String(feature.properties.number)];
    const value = v === undefined ? words.outside : v[m.key] === null ? "—" : v[m.key];
    return feature.properties.number + " " + name(feature.properties) + " — " + m.label + ": " + value;
  }

  function paint() {
    buildScale();
    for (const layer of Object.values(layers)) {
      layer.setStyle(style(layer.feature));
      const shape = layer.getElement();
      if (shape) shape.setAttribute("aria-label", labelOf(layer.feature));
    }
    drawLegend();
    el.dataset.measure = measure().key;
    // The drawing is a group named by what colours it; the legend gives the key.
    const drawing = el.querySelector(".leaflet-overlay-pane svg");
    if (drawing) {
      drawing.setAttribute("role", "group");
      drawing.setAttribute("aria-label", el.getAttribute("aria-label") + ": " + measure().label);
    }
  }

  function openPanel(number) {
    chosen = String(number);
    picker.value = chosen;
    paint();
    htmx.ajax("GET", el.dataset.panel.replace(/\/0\/$/, "/" + chosen + "/"), {
      target: "#panel",
      swap: "innerHTML",
    });
  }

  async function poll() {
    const headers = etag ? { "If-None-Match": etag } : {};
    try {
      const response = await fetch(el.dataset.measures, { headers: headers, cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        values = (await response.json()).seats;
        paint();
        el.dataset.version = String(Number(el.dataset.version || 0) + 1);
      }
    } catch (error) {
      // The next poll tries again; the map keeps its last colours meanwhile.
    }
  }

  select.addEventListener("change", function () {
    const url = new URL(location.href);
    url.searchParams.set("measure", select.value);
    history.replaceState(null, "", url);
    paint();
  });
  picker.addEventListener("change", function () {
    if (picker.value) openPanel(picker.value);
  });
  const asked = new URLSearchParams(location.search).get("measure");
  if (asked && legend.some((m) => m.key === asked)) select.value = asked;

  fetch(el.dataset.outlines)
    .then((response) => response.json())
    .then(function (geo) {
      const districts = geo.features.filter((f) => f.properties.kind === "district");
      const acs = geo.features.filter((f) => f.properties.kind === "ac");
      buildScale();
      const acLayer = L.geoJSON(acs, {
        style: style,
        onEachFeature: function (feature, layer) {
          const number = String(feature.properties.number);
          layers[number] = layer;
          layer.bindTooltip(number + " " + name(feature.properties), { sticky: true });
          layer.on("click", () => openPanel(number));
          layer.on("add", function () {
            const shape = layer.getElement();
            shape.setAttribute("data-ac", number);
            shape.setAttribute("tabindex", "0");
            shape.setAttribute("role", "button");
            shape.setAttribute("aria-label", labelOf(feature));
            shape.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                openPanel(number);
              }
            });
          });
        },
      }).addTo(map);
      L.geoJSON(districts, {
        style: { color: "#14213d", weight: 1.8, fill: false },
        interactive: false,
      }).addTo(map);
      map.fitBounds(acLayer.getBounds());
      for (const f of acs.sort((a, b) => a.properties.number - b.properties.number)) {
        picker.add(new Option(f.properties.number + " " + name(f.properties), f.properties.number));
      }
      return poll();
    })
    .then(function () {
      el.dataset.ready = "true";
      setInterval(poll, Number(el.dataset.poll) * 1000);
    });
})();
