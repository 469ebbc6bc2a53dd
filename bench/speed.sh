#!/usr/bin/env bash
# AEIC's speed next to AVIF's and WebP's command-line tools, measured in one run on this machine:
#  - warm: `aeic eval` (encode and decode per image in a warm JVM, after untimed warm-up codings) over IMAGES_DIR;
#  - one-shot: whole `aeic compress` and `aeic decompress` processes (bin/aeic) on the first image, median of RUNS
#    with peak RSS, and the slowest run;
#  - avifenc -s 6 / avifdec and cwebp -m 6 / dwebp (where installed), each a process per image, over the same
#    images (mean seconds per image), and on the first image (median of RUNS);
#  - ratios: AEIC's time divided by the tool's; for the one-shot decode also the median of RUNS ratios of the two
#    processes run back to back (in ABBA order), which a shared machine's changes of speed between the blocks above
#    do not skew; and the warm encode and decode paired likewise, each image's warm coding (in one JVM, with
#    AEIC_JAVA_OPTS) beside the tool's processes on it, two rounds (bench/PairedBuilds.java tools).
# The tools write PNG, as `aeic decompress` does (avifdec and dwebp with their default PNG output).
#
#   bench/speed.sh [IMAGES_DIR] [QUALITY] [RUNS] [AEIC]
#   bench/speed.sh ../shared/datasets/kodak 4 5
#
# AEIC is the launcher to time (default bin/aeic; another build's launcher compares two versions). The tools'
# settings: avifenc --min 42 --max 42 -s 6 (about AEIC's quality-4 rate on Kodak), cwebp -q 75 -m 6.
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-../shared/datasets/kodak}
quality=${2:-4}
runs=${3:-5}
aeic=${4:-bin/aeic}
[[ -d $images ]] || { echo "speed.sh: no image directory $images" >&2; exit 1; }
exec python3 - "$images" "$quality" "$runs" "$aeic" <<'PY'
import glob, json, os, shlex, shutil, statistics, subprocess, sys, tempfile, time

images_dir, quality, runs, aeic = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
images = sorted(glob.glob(os.path.join(images_dir, "*.png")))
if not images:
    sys.exit("speed.sh: no PNG in " + images_dir)
tmp = tempfile.mkdtemp(prefix="aeic-speed-")

def run(cmd):
    """Wall seconds and peak RSS (MiB, the process and the children it waited for) of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("speed.sh: %s failed: %s" % (" ".join(cmd), err.strip()[-500:]))
    return wall, usage.ru_maxrss / 1024

def median(cmd):
    """Median wall time, median peak RSS and the slowest wall time of RUNS processes."""
    samples = [run(cmd) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
            max(s[0] for s in samples))

def cpu():
    model = flags = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name") and not model:
            model = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not flags:
            flags = " ".join(f for f in ("avx2", "avx512f") if f in line.split())
    return "%s, %s, %d cores" % (model, flags, os.cpu_count())

version = subprocess.run([aeic, "--version"], capture_output=True, text=True).stdout.strip()
print("machine: %s" % cpu())
print("aeic: %s; %d images from %s, quality %s; one-shot and per-image tool times: median of %d runs" % (
    version, len(images), images_dir, quality, runs))

# warm
out = os.path.join(tmp, "eval.json")
subprocess.run([aeic, "eval", "--images", images_dir, "-q", quality, "--out", out], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = json.load(open(out))["results"]
warm = {"encode": r["encoding_time"][0], "decode": r["decoding_time"][0]}
print("\nwarm aeic (eval, s per image): encode %.3f, decode %.3f; %.4f bpp, %.2f dB" % (
    warm["encode"], warm["decode"], r["bpp"][0], r["psnr-rgb"][0]))

# one-shot on the first image
first = images[0]
stream = os.path.join(tmp, "first.aeic")
run([aeic, "compress", first, "-o", stream, "-q", quality])
one = {"compress": median([aeic, "compress", first, "-o", os.path.join(tmp, "c.aeic"), "-q", quality, "--force"]),
       "decompress": median([aeic, "decompress", stream, "-o", os.path.join(tmp, "d.png"), "--force"])}
# the slowest run too: a kernel that C2 compiled without its intrinsics shows as one run ten times the median
print("one-shot aeic, %s: compress %.2f s (%.0f MiB peak, slowest %.2f s), decompress %.2f s (%.0f MiB peak, slowest "
      "%.2f s)" % (os.path.basename(first), one["compress"][0], one["compress"][1], one["compress"][2],
                   one["decompress"][0], one["decompress"][1], one["decompress"][2]))

tools = {
    "avif": (["avifenc", "--min", "42", "--max", "42", "-s", "6", "{in}", "{out}"], ["avifdec", "{in}", "{out}"], ".avif"),
    "webp": (["cwebp", "-q", "75", "-m", "6", "{in}", "-o", "{out}"], ["dwebp", "{in}", "-o", "{out}"], ".webp"),
}
print("\n%-6s %-30s %-30s %-38s" % ("tool", "encode s/image (first image)", "decode s/image (first image)",
                                     "aeic / tool: warm enc, warm dec, one-shot dec"))
paired = {}
for name, (enc, dec, ext) in tools.items():
    if not (shutil.which(enc[0]) and shutil.which(dec[0])):
        print("%-6s not installed (%s, %s)" % (name, enc[0], dec[0]))
        continue
    fill = lambda cmd, i, o: [a.replace("{in}", i).replace("{out}", o) for a in cmd]
    e_times, d_times, size = [], [], 0
    for img in images:
        coded = os.path.join(tmp, os.path.basename(img) + ext)
        e_times.append(run(fill(enc, img, coded))[0])
        d_times.append(run(fill(dec, coded, os.path.join(tmp, "t.png")))[0])
        size += os.path.getsize(coded)
    coded = os.path.join(tmp, "first" + ext)
    e1 = median(fill(enc, first, coded))[0]
    d1 = median(fill(dec, coded, os.path.join(tmp, "t.png")))[0]
    e, d = statistics.mean(e_times), statistics.mean(d_times)
    print("%-6s %.3f (%.3f)%17s %.3f (%.3f)%17s x%.2f, x%.2f, x%.2f  [%d bytes in all]" % (
        name, e, e1, "", d, d1, "", warm["encode"] / e, warm["decode"] / d, one["decompress"][0] / d1, size))
    ratios = []
    for i in range(runs):
        ours = [aeic, "decompress", stream, "-o", os.path.join(tmp, "d.png"), "--force"]
        theirs = fill(dec, coded, os.path.join(tmp, "t.png"))
        if i % 2 == 0:
            a, t = run(ours)[0], run(theirs)[0]
        else:
            t, a = run(theirs)[0], run(ours)[0]
        ratios.append(a / t)
    paired[name] = ratios
def interval(v):
    """The median's 95 % confidence interval, distribution-free, as medianInterval in bench/PairedBuilds.java."""
    s, n = sorted(v), len(v)
    pmf = below = 0.5 ** n
    t = -1
    while below <= 0.025:
        t += 1
        pmf = pmf * (n - t) / (t + 1)
        below += pmf
    return "range x%.2f-x%.2f" % (s[0], s[-1]) if t < 0 else "95 %% interval x%.2f-x%.2f" % (s[t], s[n - 1 - t])
for name, ratios in paired.items():
    print("one-shot decompress / %s, %d pairs run back to back: median x%.2f (%s; all x%.2f to x%.2f)" % (
        "avifdec" if name == "avif" else "dwebp", len(ratios), statistics.median(ratios), interval(ratios),
        min(ratios), max(ratios)))
# warm codings paired with the tool's processes, image by image (bench/PairedBuilds.java tools): the warm ratios
# above divide times taken minutes apart, which a shared machine's changes of speed skew
jar = os.path.join(os.path.dirname(os.path.abspath(aeic)), "..", "cli", "target", "aeic.jar")
jvm = ["java", "--add-modules", "jdk.incubator.vector"]
try:  # huge pages for the heap where the kernel offers them, as bin/aeic gives aeic eval
    thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read()
    if "[always]" in thp or "[madvise]" in thp:
        jvm.append("-XX:+UseTransparentHugePages")
except OSError:
    pass
jvm += shlex.split(os.environ.get("AEIC_JAVA_OPTS", ""))
for name in paired:
    enc, dec, ext = tools[name]
    p = subprocess.run(jvm + ["bench/PairedBuilds.java", "tools", "2", quality, jar, " ".join(enc), " ".join(dec), ext]
                       + images, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("speed.sh: bench/PairedBuilds.java tools failed: " + p.stderr.strip()[-500:])
    for line in p.stdout.splitlines():
        if line.startswith("warm "):
            print(line + " (2 rounds)")
shutil.rmtree(tmp)
PY
