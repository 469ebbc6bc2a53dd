// AEIC demo page: compress with the server, decompress with the server, compare with a same-size JPEG
// made by the browser, all measured here (PSNR over RGB against the original as the browser decodes it).
'use strict';

const $ = (id) => document.getElementById(id);
let current = null; // the File shown
let run = 0;        // ignore answers of superseded runs
let downloadUrl = null;

function setStatus(state, text) {
  const s = $('status');
  s.dataset.state = state;
  s.textContent = text;
}

async function problemText(resp) {
  try {
    const p = await resp.json();
    return `${resp.status} ${p.title}: ${p.detail}`;
  } catch (e) {
    return `${resp.status} ${resp.statusText}`;
  }
}

async function pixels(blob) {
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  const g = c.getContext('2d');
  g.drawImage(bmp, 0, 0);
  return { canvas: c, data: g.getImageData(0, 0, c.width, c.height).data, width: c.width, height: c.height };
}

function psnr(a, b) {
  if (a.width !== b.width || a.height !== b.height) return NaN;
  let se = 0;
  const n = a.data.length;
  for (let i = 0; i < n; i += 4) {
    for (let k = 0; k < 3; k++) {
      const d = a.data[i + k] - b.data[i + k];
      se += d * d;
    }
  }
  const mse = se / (a.width * a.height * 3);
  return mse === 0 ? Infinity : 10 * Math.log10(255 * 255 / mse);
}

const toBlob = (canvas, q) => new Promise((res) => canvas.toBlob(res, 'image/jpeg', q));

/** The highest-quality JPEG of the canvas that fits in `budget` bytes (or the smallest there is). */
async function jpegWithin(canvas, budget) {
  let lo = 0.0, hi = 1.0, best = null, bestQ = 0;
  for (let i = 0; i < 9; i++) {
    const q = (lo + hi) / 2;
    const b = await toBlob(canvas, q);
    if (b.size <= budget) { best = b; bestQ = q; lo = q; } else { hi = q; }
  }
  if (!best) { bestQ = 0; best = await toBlob(canvas, 0); }
  return { blob: best, quality: bestQ, fits: best.size <= budget };
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : (x === Infinity ? '∞' : '–'));

async function compress(file) {
  const mine = ++run;
  const quality = $('quality').value;
  setStatus('busy', `Compressing ${file.name} at quality ${quality}…`);
  try {
    const resp = await fetch(`/v1/compress?quality=${encodeURIComponent(quality)}`, {
      method: 'POST',
      headers: { 'Content-Type': file.type && file.type.startsWith('image/') ? file.type : 'application/octet-stream' },
      body: file,
    });
    if (!resp.ok) throw new Error(await problemText(resp));
    const aeic = await resp.arrayBuffer();
    const width = +resp.headers.get('X-AEIC-Width');
    const height = +resp.headers.get('X-AEIC-Height');
    const model = resp.headers.get('X-AEIC-Model');
    const used = resp.headers.get('X-AEIC-Quality'); // as asked (variable-rate model), else the model's nearest level
    if (mine !== run) return;

    setStatus('busy', 'Decompressing…');
    const dec = await fetch('/v1/decompress?format=png', {
      method: 'POST', headers: { 'Content-Type': 'image/x-aeic' }, body: aeic,
    });
    if (!dec.ok) throw new Error(await problemText(dec));
    const recon = await dec.blob();
    if (mine !== run) return;

    setStatus('busy', 'Measuring…');
    const orig = await pixels(file);
    const rec = await pixels(recon);
    const jpeg = await jpegWithin(orig.canvas, aeic.byteLength);
    const jp = await pixels(jpeg.blob);
    if (mine !== run) return;

    const px = width * height;
    $('original-img').src = URL.createObjectURL(file);
    $('original-bytes').textContent = file.size;
    $('original-dims').textContent = `${width} × ${height}`;
    $('original-bpp').textContent = fmt(file.size * 8 / px, 3);

    $('aeic-img').src = URL.createObjectURL(recon);
    $('aeic-model').textContent = `(${model}, quality ${used})`;
    $('aeic-bytes').textContent = aeic.byteLength;
    $('aeic-bpp').textContent = fmt(aeic.byteLength * 8 / px, 3);
    $('aeic-psnr').textContent = fmt(psnr(orig, rec));

    $('jpeg-img').src = URL.createObjectURL(jpeg.blob);
    $('jpeg-note').textContent = jpeg.fits ? `(quality ${Math.round(jpeg.quality * 100)})`
      : '(even the smallest JPEG is larger)';
    $('jpeg-bytes').textContent = jpeg.blob.size;
    $('jpeg-bpp').textContent = fmt(jpeg.blob.size * 8 / px, 3);
    $('jpeg-psnr').textContent = fmt(psnr(orig, jp));

    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([aeic], { type: 'image/x-aeic' }));
    const a = $('download');
    a.href = downloadUrl;
    a.download = file.name.replace(/\.[^.]*$/, '') + '.aeic';

    $('results').hidden = false;
    setStatus('done', `Done: ${aeic.byteLength} bytes, ${fmt(aeic.byteLength * 8 / px, 3)} bpp.`);
  } catch (e) {
    if (mine === run) setStatus('error', e.message);
  }
}

function choose(file) {
  if (!file) return;
  current = file;
  compress(file);
  $('keep').disabled = false;
}

// ---- the store: a gallery of what /v1/images keeps, and uploads into it

let nextPage = null;

function storeStatus(state, text) {
  const s = $('store-status');
  s.dataset.state = state;
  s.textContent = text;
}

function card(meta) {
  const li = document.createElement('li');
  li.dataset.id = meta.id;
  const a = document.createElement('a');
  a.href = meta.url; // the browser's Accept gets JPEG
  a.target = '_blank';
  const img = document.createElement('img');
  img.src = `${meta.url}?w=360`;
  img.alt = `stored image ${meta.id}`;
  img.loading = 'lazy';
  a.appendChild(img);
  li.appendChild(a);
  const p = document.createElement('div');
  const saving = meta.inputBytes ? `<span class="saving">${fmt(meta.saving * 100, 0)} % smaller</span> than the `
    + `${meta.inputBytes} B upload<br>` : '';
  p.innerHTML = `${saving}${meta.width} × ${meta.height}, ${meta.bytes} B, ${fmt(meta.bpp, 3)} bpp, q ${meta.quality}`;
  li.appendChild(p);
  return li;
}

async function loadGallery(url, append) {
  const resp = await fetch(url);
  if (resp.status === 404) return; // this server keeps no images
  if (!resp.ok) { storeStatus('error', await problemText(resp)); return; }
  const page = await resp.json();
  $('store').hidden = false;
  $('token-label').hidden = !page.uploadTokenRequired;
  if (!append) $('gallery').replaceChildren();
  const metas = await Promise.all(page.images.map((i) => fetch(`${i.url}/meta`).then((r) => (r.ok ? r.json() : null))));
  metas.filter((m) => m).forEach((m) => $('gallery').appendChild(card(m)));
  nextPage = page.next || null;
  $('more').hidden = !nextPage;
  if (!page.images.length && !append) storeStatus('idle', 'Nothing stored yet.');
}

async function keep() {
  if (!current) return;
  const headers = { 'Content-Type': current.type && current.type.startsWith('image/') ? current.type
    : 'application/octet-stream' };
  const token = $('token').value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  storeStatus('busy', `Storing ${current.name}…`);
  try {
    const resp = await fetch(`/v1/images?quality=${encodeURIComponent($('quality').value)}`,
      { method: 'POST', headers, body: current });
    if (!resp.ok) throw new Error(await problemText(resp));
    const meta = await resp.json();
    storeStatus('done', `${resp.status === 201 ? 'Stored' : 'Already stored'}: ${meta.bytes} B, `
      + `${fmt(meta.saving * 100, 0)} % smaller than the upload.`);
    await loadGallery('/v1/images?limit=24', false);
  } catch (e) {
    storeStatus('error', e.message);
  }
}

$('keep').addEventListener('click', keep);
$('more').addEventListener('click', () => { if (nextPage) loadGallery(nextPage, true); });
loadGallery('/v1/images?limit=24', false);

$('file').addEventListener('change', (e) => choose(e.target.files[0]));
$('quality').addEventListener('change', () => { if (current) compress(current); });

const drop = $('drop');
['dragenter', 'dragover'].forEach((t) => drop.addEventListener(t, (e) => {
  e.preventDefault();
  drop.classList.add('over');
}));
['dragleave', 'drop'].forEach((t) => drop.addEventListener(t, (e) => {
  e.preventDefault();
  drop.classList.remove('over');
}));
drop.addEventListener('drop', (e) => choose(e.dataTransfer && e.dataTransfer.files[0]));
// a drop anywhere else must not navigate away from the page
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());
