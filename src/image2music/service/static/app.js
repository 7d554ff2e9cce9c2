// image2music web page: vanilla JavaScript, no build step, no external resources.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const AUDIO_PREFERENCE = ["mp3", "ogg", "flac", "wav"]; // smallest first
  const FORMAT_LABELS = {
    mid: "MIDI",
    wav: "WAV audio",
    flac: "FLAC audio",
    ogg: "OGG audio",
    mp3: "MP3 audio",
    musicxml: "MusicXML lead sheet",
    png: "Piano roll (PNG)",
    json: "Report (JSON)",
    mp4: "Video with the music (MP4)",
  };
  const AUDIO_TYPES = { mp3: "audio/mpeg", ogg: "audio/ogg", wav: "audio/wav", flac: "audio/flac" };
  const QUADRANTS = [
    { label: "happy", x: 65, y: -65 },
    { label: "tense", x: -65, y: -65 },
    { label: "sad", x: -65, y: 65 },
    { label: "calm", x: 65, y: 65 },
  ];
  const PLANE_RADIUS = 110; // SVG units for a value of 1

  const state = {
    file: null, // the picture (File or Blob)
    fileName: "",
    moodOverride: false,
    pictureMood: null, // {valence, arousal} estimated from the picture alone
    controller: null, // AbortController of the compose in flight
    maxUploadBytes: 20000000,
    defaultFormats: ["mid", "flac", "musicxml", "png", "json"], // replaced by /api/options
    roll: null, // the piano roll's size and plot area, from /api/options
    takes: [], // every compose of this page: {number, seed, key, tempo, words, files, audio}
    queue: [], // audio URLs still to play after the current one (back to back)
    latestAudio: null, // the newest take's audio URL (the piano roll shows that take)
    media: null, // {kind: "sequence" | "video", files: [File]} instead of one picture
    scoreSeconds: 0, // where the piano roll's time axis ends
    timer: null,
    debounce: null,
    previewUrl: null,
  };

  const els = {
    drop: $("drop-zone"),
    input: $("file-input"),
    filesInput: $("files-input"),
    mediaList: $("media-list"),
    sections: $("sections"),
    previewFigure: $("preview-figure"),
    preview: $("preview"),
    previewName: $("preview-name"),
    form: $("controls"),
    valence: $("valence"),
    arousal: $("arousal"),
    valenceOut: $("valence-out"),
    arousalOut: $("arousal-out"),
    resetMood: $("reset-mood"),
    bars: $("bars"),
    tempo: $("tempo"),
    style: $("style"),
    drums: $("drums"),
    seed: $("seed"),
    autoplay: $("autoplay"),
    composeButton: $("compose-button"),
    anotherTake: $("another-take"),
    status: $("status"),
    error: $("error"),
    emptyNote: $("empty-note"),
    tryExample: $("try-example"),
    plainWords: $("plain-words"),
    takes: $("takes"),
    playPair: $("play-pair"),
    duration: $("duration"),
    key: $("key"),
    mode: $("mode"),
    result: $("result"),
    summary: $("summary"),
    player: $("player"),
    downloads: $("downloads"),
    description: $("description"),
    palette: $("palette"),
    seen: $("seen"),
    seenSummary: $("seen-summary"),
    plane: $("plane"),
    categories: $("categories"),
    facts: $("facts"),
    chords: $("chords"),
    pianoroll: $("pianoroll"),
    playhead: $("playhead"),
    why: $("why"),
    typeHint: $("type-hint"),
  };

  // ---------- helpers ----------

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function svg(tag, attrs = {}, text = "") {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text) node.textContent = text;
    return node;
  }

  const signed = (x) => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(2);
  const percent = (x) => `${Math.round(x * 100)}%`;
  const megabytes = (n) => `${(n / 1e6).toPrecision(3).replace(/\.?0+$/, "")} MB`;

  function setStatus(text, busy = false) {
    els.status.textContent = text;
    els.status.classList.toggle("busy", busy);
    els.result.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function showError(message) {
    els.error.textContent = message;
    els.error.hidden = false;
  }

  function clearError() {
    els.error.textContent = "";
    els.error.hidden = true;
  }

  // ---------- the picture ----------

  // The example picture shipped with the app: no file needed to try it.
  async function tryExample() {
    clearError();
    try {
      const response = await fetch("/static/example.jpg");
      if (!response.ok) throw new Error(`The server answered ${response.status}.`);
      const blob = await response.blob();
      choosePicture(new File([blob], "example.jpg", { type: "image/jpeg" }), "example.jpg");
    } catch (error) {
      showError(error instanceof TypeError ? "Cannot reach the server." : error.message);
    }
  }

  function choosePicture(file, name) {
    if (!file) return;
    clearError();
    if (file.size === 0) {
      showError("The picture is empty (0 bytes).");
      return;
    }
    if (file.size > state.maxUploadBytes) {
      showError(`The picture is larger than the limit of ${megabytes(state.maxUploadBytes)}.`);
      return;
    }
    state.media = null;
    renderMediaList();
    state.file = file;
    state.fileName = name || file.name || "pasted-image.png";
    state.pictureMood = null;
    resetMoodControls();
    if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
    state.previewUrl = URL.createObjectURL(file);
    els.preview.src = state.previewUrl;
    els.previewName.textContent = state.fileName;
    els.previewFigure.hidden = false;
    els.composeButton.disabled = false;
    els.anotherTake.disabled = false;
    compose();
  }

  els.preview.addEventListener("error", () => {
    // Browsers cannot show every type the server reads (HEIC): keep the name only.
    els.preview.removeAttribute("src");
  });

  els.input.addEventListener("change", () => {
    const file = els.input.files && els.input.files[0];
    if (file) choosePicture(file, file.name);
  });

  // ---------- several pictures, or a video ----------

  const isVideo = (file) =>
    file.type.startsWith("video/") || /\.(mp4|mov|m4v|webm|mkv|avi)$/i.test(file.name);

  els.filesInput.addEventListener("change", () => {
    const files = [...(els.filesInput.files || [])];
    if (!files.length) return;
    clearError();
    if (files.length === 1 && !isVideo(files[0])) {
      state.media = null;
      renderMediaList();
      choosePicture(files[0], files[0].name);
      return;
    }
    if (files.some(isVideo) && files.length > 1) {
      showError("Choose one video clip, or several pictures, not both.");
      return;
    }
    state.media = { kind: isVideo(files[0]) ? "video" : "sequence", files };
    state.file = files[0];
    state.fileName = files[0].name;
    els.previewFigure.hidden = true;
    els.composeButton.disabled = false;
    els.anotherTake.disabled = false;
    renderMediaList();
    compose();
  });

  function renderMediaList() {
    els.mediaList.replaceChildren();
    const media = state.media;
    els.mediaList.hidden = !media;
    if (!media) return;
    media.files.forEach((file, index) => {
      const item = el("li", { "data-name": file.name }, el("span", { text: file.name }));
      if (media.kind === "sequence") {
        for (const [text, step] of [["Move up", -1], ["Move down", 1]]) {
          const button = el("button", { type: "button", class: "small", text });
          button.setAttribute("aria-label", `${text}: ${file.name}`);
          button.disabled = index + step < 0 || index + step >= media.files.length;
          button.addEventListener("click", () => {
            const files = media.files;
            [files[index], files[index + step]] = [files[index + step], files[index]];
            renderMediaList();
            scheduleCompose(0);
          });
          item.append(button);
        }
      }
      els.mediaList.append(item);
    });
  }

  function renderSections(report) {
    els.sections.replaceChildren();
    const sections = report.sections || [];
    els.sections.hidden = sections.length === 0;
    const total = report.duration_sec || 1;
    for (const section of sections) {
      const share = ((section.end_sec - section.start_sec) / total) * 100;
      const text =
        `${section.source}: ${section.start_sec.toFixed(1)}–${section.end_sec.toFixed(1)} s, ` +
        `${section.key}, ${Math.round(section.tempo_bpm)} bpm`;
      const item = el("li", { class: "section", title: text }, el("span", { text }));
      item.style.flexBasis = `${share}%`;
      els.sections.append(item);
    }
  }

  for (const type of ["dragenter", "dragover"]) {
    els.drop.addEventListener(type, (event) => {
      event.preventDefault();
      els.drop.classList.add("dragging");
    });
  }
  for (const type of ["dragleave", "dragend"]) {
    els.drop.addEventListener(type, () => els.drop.classList.remove("dragging"));
  }
  els.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    els.drop.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) choosePicture(file, file.name);
  });
  // A picture dropped outside the zone must not replace the page.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());

  document.addEventListener("paste", (event) => {
    const items = (event.clipboardData && event.clipboardData.items) || [];
    for (const item of items) {
      if (item.kind === "file" && item.type.startsWith("image/")) {
        const file = item.getAsFile();
        if (file) {
          event.preventDefault();
          const ext = item.type.split("/")[1] || "png";
          choosePicture(file, file.name && file.name !== "image.png" ? file.name : `pasted.${ext}`);
          return;
        }
      }
    }
  });

  // ---------- controls ----------

  function resetMoodControls() {
    state.moodOverride = false;
    els.valenceOut.textContent = "picture";
    els.arousalOut.textContent = "picture";
    els.resetMood.disabled = true;
  }

  function showMoodValues(valence, arousal) {
    els.valence.value = String(valence);
    els.arousal.value = String(arousal);
    if (state.moodOverride) {
      els.valenceOut.textContent = signed(Number(els.valence.value));
      els.arousalOut.textContent = signed(Number(els.arousal.value));
    }
  }

  function overrideMood() {
    state.moodOverride = true;
    els.resetMood.disabled = false;
    els.valenceOut.textContent = signed(Number(els.valence.value));
    els.arousalOut.textContent = signed(Number(els.arousal.value));
  }

  for (const slider of [els.valence, els.arousal]) {
    slider.addEventListener("input", overrideMood);
    slider.addEventListener("change", () => scheduleCompose());
  }

  els.resetMood.addEventListener("click", () => {
    resetMoodControls();
    if (state.pictureMood) showMoodValues(state.pictureMood.valence, state.pictureMood.arousal);
    scheduleCompose(0);
  });

  for (const control of [
    els.bars, els.style, els.drums, els.key, els.mode,
    ...document.querySelectorAll("[data-part]"),
    ...document.querySelectorAll("#extra-formats [data-format]"),
  ]) {
    control.addEventListener("change", () => scheduleCompose());
  }
  for (const control of [els.tempo, els.seed, els.duration]) {
    control.addEventListener("change", () => scheduleCompose());
  }

  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    scheduleCompose(0);
  });

  els.tryExample.addEventListener("click", tryExample);

  els.anotherTake.addEventListener("click", () => {
    const values = new Uint32Array(1);
    crypto.getRandomValues(values);
    els.seed.value = String(values[0] % 1000000);
    scheduleCompose(0);
  });

  function scheduleCompose(delay = 250) {
    if (!state.file) return;
    clearTimeout(state.debounce);
    state.debounce = setTimeout(compose, delay);
  }

  function instrumentsSpec() {
    const parts = [];
    for (const select of document.querySelectorAll("[data-part]")) {
      if (select.value) parts.push(`${select.dataset.part}=${select.value}`);
    }
    return parts.join(",");
  }

  function buildForm() {
    const form = new FormData();
    const media = state.media;
    if (media && media.kind === "video") form.append("video", media.files[0], media.files[0].name);
    else if (media) for (const file of media.files) form.append("images", file, file.name);
    else form.append("image", state.file, state.fileName);
    const duration = els.duration.value.trim();
    if (media && media.kind === "video") {
      /* the clip sets the length */
    } else if (duration !== "") form.append("duration", duration);
    else form.append("bars", els.bars.value);
    if (els.key.value) form.append("key", els.key.value);
    if (els.mode.value) form.append("mode", els.mode.value);
    const extra = [...document.querySelectorAll("#extra-formats [data-format]")]
      .filter((box) => box.checked)
      .map((box) => box.dataset.format);
    if (extra.length) form.append("formats", [...state.defaultFormats, ...extra].join(","));
    form.append("style", els.style.value);
    form.append("drums", els.drums.checked ? "true" : "false");
    const seed = els.seed.value.trim();
    if (seed !== "") form.append("seed", seed);
    const tempo = els.tempo.value.trim();
    if (tempo !== "") form.append("tempo", tempo);
    if (state.moodOverride) {
      form.append("valence", els.valence.value);
      form.append("arousal", els.arousal.value);
    }
    const instruments = instrumentsSpec();
    if (instruments) form.append("instruments", instruments);
    return form;
  }

  // ---------- composing ----------

  // What each stage of a compose job is doing, in plain words.
  const STAGE_WORDS = {
    queued: "Waiting for a free composer",
    analyse: "Looking at the picture",
    emotion: "Feeling its mood",
    plan: "Choosing key, tempo and instruments",
    harmony: "Writing the chords",
    melody: "Writing the melody",
    arrange: "Arranging the parts",
    report: "Noting down why",
    files: "Playing and recording the music",
    done: "Done",
  };

  async function readJson(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const message =
        (body && body.error && body.error.message) || `The server answered ${response.status}.`;
      throw new Error(message);
    }
    return body;
  }

  function pause(ms, signal) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new DOMException("aborted", "AbortError"));
      });
    });
  }

  // Compose through a job: POST /api/jobs, then follow it, showing each stage.
  async function compose() {
    if (!state.file) return;
    clearError();
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    const started = performance.now();
    let stage = "queued";
    let location = null;
    clearInterval(state.timer);
    const tick = () => {
      const seconds = Math.round((performance.now() - started) / 1000);
      setStatus(`${STAGE_WORDS[stage] || stage}… ${seconds} s`, true);
    };
    tick();
    state.timer = setInterval(tick, 1000);
    try {
      const job = await readJson(
        await fetch("/api/jobs", { method: "POST", body: buildForm(), signal: controller.signal })
      );
      location = job.location;
      let body = job;
      while (body.status === "queued" || body.status === "running") {
        await pause(150, controller.signal);
        body = await readJson(await fetch(location, { signal: controller.signal }));
        if (body.stage !== stage) {
          stage = body.stage;
          els.status.dataset.stage = stage;
          tick();
        }
      }
      if (body.status === "failed") throw new Error(body.error.message);
      if (body.status !== "done") throw new Error("The compose was cancelled.");
      if (controller !== state.controller) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      render(body.result);
      setStatus(`Composed in ${seconds} s (seed ${body.result.seed}).`);
    } catch (error) {
      if (error.name === "AbortError") {
        if (location) fetch(location, { method: "DELETE" }).catch(() => {});
        return;
      }
      setStatus("");
      const text = error instanceof TypeError ? "Cannot reach the server." : error.message;
      showError(text);
    } finally {
      if (controller === state.controller) {
        clearInterval(state.timer);
        state.controller = null;
      }
    }
  }

  // ---------- showing the result ----------

  function render(report) {
    state.scoreSeconds = report.duration_sec; // the piano roll's time axis (constant tempo)
    els.emptyNote.hidden = true;
    els.result.hidden = false;
    const emotion = report.emotion;
    if (emotion.source === "image") {
      state.pictureMood = { valence: emotion.valence, arousal: emotion.arousal };
    }
    if (!state.moodOverride) showMoodValues(emotion.valence, emotion.arousal);
    els.seed.value = String(report.seed);

    const palette = report.image.palette || [];
    if (palette.length) document.documentElement.style.setProperty("--picture", palette[0].hex);

    els.summary.textContent =
      `${report.key}, ${report.tempo_bpm} bpm, ${report.time_signature}, ` +
      `${report.duration_sec.toFixed(1)} s`;
    // The picture's mood and the music's answer in plain words (the numbers are on the plane).
    const plain = (report.why && report.why[0]) || "";
    els.plainWords.textContent = plain ? plain[0].toUpperCase() + plain.slice(1) + "." : "";

    renderAudio(report.files);
    renderDownloads(report.files);
    renderSections(report);
    addTake(report);
    renderPalette(report.image);
    renderSeen(report.image.content);
    renderPlane(emotion);
    renderCategories(emotion);
    renderFacts(report);
    renderChords(report.chords);
    renderPianoRoll(report);
    renderWhy(report.why || []);
  }

  // The first audio format of a result this browser can play, or undefined.
  function playableFormat(files) {
    return AUDIO_PREFERENCE.find((f) => files[f] && els.player.canPlayType(AUDIO_TYPES[f]));
  }

  function renderAudio(files) {
    const fmt = playableFormat(files);
    state.latestAudio = fmt ? files[fmt] : null;
    if (!fmt) {
      els.player.removeAttribute("src");
      els.player.hidden = true;
      return;
    }
    els.player.hidden = false;
    els.player.dataset.format = fmt;
    els.player.src = files[fmt];
    els.player.load();
    if (els.autoplay.checked) {
      els.player.play().catch(() => {
        /* autoplay refused by the browser: the controls are there */
      });
    }
  }

  function renderDownloads(files) {
    els.downloads.replaceChildren();
    for (const [fmt, url] of Object.entries(files)) {
      const name = decodeURIComponent(url.split("/").pop());
      const link = el("a", { href: url, download: name, text: FORMAT_LABELS[fmt] || fmt });
      link.dataset.format = fmt;
      els.downloads.append(el("li", {}, link));
    }
  }

  function renderSeen(content) {
    els.seen.replaceChildren();
    if (!content) {
      els.seenSummary.textContent = "The vision networks were not run for this picture.";
      return;
    }
    els.seenSummary.textContent = content.summary
      ? content.summary.charAt(0).toUpperCase() + content.summary.slice(1) + "."
      : "Nothing the networks recognise with confidence.";
    for (const face of content.faces || []) {
      els.seen.append(
        el("li", {}, el("span", { text: `face: ${face.expression}` }),
          el("span", { class: "share", text: percent(face.scores[face.expression]) })),
      );
    }
    for (const obj of content.objects || []) {
      els.seen.append(
        el("li", {}, el("span", { text: obj.label }),
          el("span", { class: "share", text: percent(obj.confidence) })),
      );
    }
    for (const label of content.labels || []) {
      els.seen.append(
        el("li", {}, el("span", { text: `looks like: ${label.label}` }),
          el("span", { class: "share", text: percent(label.confidence) })),
      );
    }
  }

  function renderPalette(image) {
    els.description.textContent = image.description || "";
    els.palette.replaceChildren();
    for (const colour of image.palette || []) {
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.setProperty("background", colour.hex);
      els.palette.append(
        el(
          "li",
          {},
          swatch,
          el("span", { class: "hex", text: colour.hex }),
          el("span", { class: "share", text: percent(colour.share) }),
        ),
      );
    }
  }

  function renderPlane(emotion) {
    const plane = els.plane;
    for (const node of [...plane.children]) {
      if (node.tagName !== "title" && node.tagName !== "desc") node.remove();
    }
    const r = PLANE_RADIUS;
    plane.append(svg("rect", { class: "frame", x: -r, y: -r, width: 2 * r, height: 2 * r, rx: 8 }));
    plane.append(svg("line", { class: "axis", x1: -r, y1: 0, x2: r, y2: 0 }));
    plane.append(svg("line", { class: "axis", x1: 0, y1: -r, x2: 0, y2: r }));
    for (const q of QUADRANTS) {
      plane.append(svg("text", { class: "quadrant", x: q.x, y: q.y, "text-anchor": "middle" }, q.label));
    }
    plane.append(svg("text", { class: "axis-label", x: r, y: -4, "text-anchor": "end" }, "valence →"));
    plane.append(svg("text", { class: "axis-label", x: 4, y: -r + 10 }, "↑ arousal"));
    if (state.pictureMood && emotion.source !== "image") {
      plane.append(
        svg("circle", {
          class: "picture-point",
          cx: state.pictureMood.valence * r,
          cy: -state.pictureMood.arousal * r,
          r: 8,
        }),
      );
    }
    plane.append(svg("circle", { class: "point", cx: emotion.valence * r, cy: -emotion.arousal * r, r: 7 }));
    $("plane-desc").textContent =
      `Valence ${signed(emotion.valence)}, arousal ${signed(emotion.arousal)}: ` +
      `${emotion.top_category}. Click the plane, or use the sliders, to steer the mood.`;
  }

  els.plane.addEventListener("click", (event) => {
    if (!state.file) return;
    const point = els.plane.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(els.plane.getScreenCTM().inverse());
    const clamp = (x) => Math.max(-1, Math.min(1, Math.round((x / PLANE_RADIUS) * 20) / 20));
    els.valence.value = String(clamp(local.x));
    els.arousal.value = String(clamp(-local.y));
    overrideMood();
    scheduleCompose(0);
  });

  function renderCategories(emotion) {
    els.categories.replaceChildren();
    const entries = Object.entries(emotion.categories).sort((a, b) => b[1] - a[1]);
    for (const [name, score] of entries) {
      const fill = el("div", { class: "fill" });
      fill.style.setProperty("width", percent(score));
      const label = el("span", { text: name });
      if (name === emotion.top_category) label.className = "top";
      els.categories.append(
        el(
          "li",
          {},
          label,
          el("div", { class: "bar", "aria-hidden": "true" }, fill),
          el("span", { class: "pct", text: percent(score) }),
        ),
      );
    }
  }

  function renderFacts(report) {
    const rows = [
      ["Key", report.key],
      ["Tempo", `${report.tempo_bpm} bpm`],
      ["Metre", report.time_signature],
      ["Length", `${report.bars} bars, ${report.duration_sec.toFixed(1)} s`],
    ];
    const arrangement = report.arrangement;
    if (arrangement) {
      rows.push(["Style", arrangement.style]);
      for (const [part, inst] of Object.entries(arrangement.instruments || {})) {
        rows.push([part[0].toUpperCase() + part.slice(1), inst.name]);
      }
      if (arrangement.drums) rows.push(["Drums", arrangement.drums.on ? arrangement.drums.kit : "none"]);
      if (arrangement.synth) rows.push(["Sound", arrangement.synth.name]);
    }
    rows.push(["Seed", String(report.seed)]);
    els.facts.replaceChildren();
    for (const [term, value] of rows) {
      els.facts.append(el("dt", { text: term }), el("dd", { text: value }));
    }
  }

  function renderChords(chords) {
    els.chords.replaceChildren();
    for (const chord of chords || []) {
      els.chords.append(
        el(
          "li",
          { class: "chord", title: `beat ${chord.start_beat}, ${chord.duration_beats} beats` },
          el("span", { class: "symbol", text: chord.symbol }),
          el("span", { class: "roman", text: chord.roman }),
        ),
      );
    }
  }

  function renderPianoRoll(report) {
    const url = report.files.png;
    if (!url) {
      els.pianoroll.hidden = true;
      return;
    }
    els.pianoroll.alt =
      `Piano roll: ${report.bars} bars in ${report.key}, chords ` +
      (report.chords || []).map((c) => c.symbol).join(" ");
    els.pianoroll.src = url;
    els.pianoroll.hidden = false;
  }

  function renderWhy(lines) {
    els.why.replaceChildren();
    for (const line of lines) els.why.append(el("li", { text: line }));
  }

  // ---------- start ----------

  // ---------- takes ----------

  function addTake(report) {
    const take = {
      number: state.takes.length + 1,
      seed: report.seed,
      key: report.key,
      tempo: report.tempo_bpm,
      words: (report.image && report.image.description) || "",
      files: report.files,
      audio: state.latestAudio,
    };
    state.takes.push(take);
    const label = `Take ${take.number}: seed ${take.seed}, ${take.key}, ${take.tempo} bpm`;
    const tick = el("input", { type: "checkbox", id: `take-${take.number}`, "data-take": String(take.number) });
    tick.addEventListener("change", updatePairButton);
    const play = el("button", { type: "button", class: "take-play", text: "Play" });
    play.setAttribute("aria-label", `Play take ${take.number}`);
    play.disabled = !take.audio;
    play.addEventListener("click", () => playInOrder([take]));
    const basis = el("button", { type: "button", class: "take-basis", text: "Start from this take" });
    basis.setAttribute("aria-label", `Start from this take: take ${take.number}`);
    basis.addEventListener("click", () => {
      els.seed.value = String(take.seed);
      setStatus(`Seed ${take.seed} of take ${take.number} set: change an option to build on it.`);
    });
    const links = el("span", { class: "take-files" });
    for (const [fmt, url] of Object.entries(take.files)) {
      const link = el("a", { href: url, download: decodeURIComponent(url.split("/").pop()), text: fmt });
      link.dataset.format = fmt;
      links.append(link, " ");
    }
    const item = el(
      "li",
      { class: "take", "data-seed": String(take.seed) },
      tick,
      el("label", { for: `take-${take.number}`, text: label }),
      el("span", { class: "take-words", text: take.words }),
      play,
      basis,
      links
    );
    els.takes.prepend(item);
    updatePairButton();
  }

  function tickedTakes() {
    return [...els.takes.querySelectorAll("input[data-take]:checked")]
      .map((box) => state.takes[Number(box.dataset.take) - 1])
      .sort((a, b) => a.number - b.number);
  }

  function updatePairButton() {
    const ticked = tickedTakes();
    els.playPair.disabled = ticked.length !== 2 || !ticked.every((t) => t.audio);
  }

  function playInOrder(takes) {
    const urls = takes.map((t) => t.audio).filter(Boolean);
    if (!urls.length) return;
    state.queue = urls.slice(1);
    els.player.src = urls[0];
    els.player.dataset.take = String(takes[0].number);
    els.player.play().catch(() => {
      /* refused without a gesture: the controls are there */
    });
  }

  els.playPair.addEventListener("click", () => playInOrder(tickedTakes()));
  els.player.addEventListener("ended", () => {
    const next = state.queue.shift();
    if (!next) return;
    els.player.src = next;
    els.player.dataset.take = String(state.takes.find((t) => t.audio === next).number);
    els.player.play().catch(() => {});
  });

  // ---------- the playhead over the piano roll ----------

  function movePlayhead() {
    const roll = state.roll;
    const latest = state.latestAudio && els.player.currentSrc.endsWith(state.latestAudio);
    if (!roll || els.pianoroll.hidden || !state.scoreSeconds || !latest) {
      els.playhead.hidden = true;
      return;
    }
    const [left, top, right, bottom] = roll.plot_px;
    const share = Math.min(1, els.player.currentTime / state.scoreSeconds);
    els.playhead.style.left = `${((left + (right - left) * share) / roll.width_px) * 100}%`;
    els.playhead.style.top = `${(top / roll.height_px) * 100}%`;
    els.playhead.style.height = `${((bottom - top) / roll.height_px) * 100}%`;
    els.playhead.hidden = false;
  }

  function followPlayer() {
    movePlayhead();
    if (!els.player.paused) requestAnimationFrame(followPlayer);
  }

  els.player.addEventListener("play", () => requestAnimationFrame(followPlayer));
  for (const name of ["seeked", "timeupdate", "loadedmetadata"]) {
    els.player.addEventListener(name, movePlayhead);
  }

  async function loadOptions() {
    try {
      const response = await fetch("/api/options");
      if (!response.ok) return;
      const options = await response.json();
      state.maxUploadBytes = options.max_upload_bytes;
      state.defaultFormats = options.default_formats;
      state.roll = options.pianoroll;
      for (const mode of options.modes) els.mode.append(el("option", { value: mode, text: mode }));
      for (const box of document.querySelectorAll("#extra-formats [data-format]")) {
        const format = box.dataset.format;
        box.closest(".field").hidden =
          !options.formats.includes(format) || options.default_formats.includes(format);
      }
      els.typeHint.textContent =
        `JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC or AVIF, up to ${megabytes(options.max_upload_bytes)}`;
      els.style.replaceChildren();
      for (const [name, description] of Object.entries(options.styles)) {
        const option = el("option", { value: name, text: name, title: description });
        if (name === "auto") option.selected = true;
        els.style.append(option);
      }
      for (const select of document.querySelectorAll("[data-part]")) {
        for (const inst of options.instruments) {
          select.append(el("option", { value: String(inst.program), text: inst.name }));
        }
      }
    } catch (_) {
      /* the defaults in the page still work */
    }
  }

  loadOptions();
})();
