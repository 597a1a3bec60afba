#!/usr/bin/python3
"""The notebook pipeline, the one place notebooks are executed for the course. Every notebook is built
in two editions from its one source: the learner's (cells tagged `solution` removed, so exercise
stubs stay and each check says "not attempted yet") and the instructor's (the stubs tagged `exercise`
removed, so the solutions stand in their place and every check says "correct"). Each edition is
written as a notebook a reader can open (build/editions/), executed with the real .NET kernel (each
edition as often as settings.json says, once, the runs compared when more than one; src/Course.Tests
compares the instructor's with a live Jupyter run of it), exported to one HTML handout that opens from disk with no
network (plus a PDF), and listed in an index; everything is recorded in a JSON report that
src/Course.Tests reads. Its constants are in settings.json next to it.

Runs under Debian's python3 (nbclient, nbconvert, nbformat from apt; see .ci/setup).

    pipeline.py build [--notebooks DIR] [--out DIR] [--no-pdf] [--reuse]
    pipeline.py check FILE.html...      # the offline checks alone, on exported pages

    pipeline.py editions [--notebooks DIR] [--out DIR]   # only write the two editions' notebooks, no kernel
    pipeline.py execute NOTEBOOK OUT    # run one notebook as the build does; OUT is written even when a cell fails

The build works in a staging folder and only replaces build/editions, build/executed and
build/handouts when every notebook ran cleanly and every check said what its edition expects, so a
failing cell never costs the previous good handouts.
"""

import argparse
import base64
import copy
import difflib
import functools
import hashlib
import html
import html.parser
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from traitlets.config import Config

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TEMPLATES = HERE / "templates"
SETTINGS = json.loads((HERE / "settings.json").read_text(encoding="utf-8"))
# For trying a chapter under yet other seeds by hand: FOUNDATIONS_SEED_SHIFT=2000 pipeline.py build ...
if os.environ.get("FOUNDATIONS_SEED_SHIFT"):
    SETTINGS["seedShift"] = int(os.environ["FOUNDATIONS_SEED_SHIFT"])

# Markers written by src/Foundations.Interactive/ChartHtml.cs.
CHART_MARKER = 'class="foundations-chart"'
PLOTLY_EMBED_MARKER = "sent once per kernel session by Foundations.Interactive"
PLOTLY_CDN_NOTE = "was not found on this machine"
# A chart's CDN fallback sits between these markers; a handout drops it (it opens offline, and a
# chart without plotly.js then says so instead of reaching for the network).
CDN_FALLBACK = re.compile(re.escape("/* foundations-cdn-fallback: begin */") + r".*?" + re.escape("/* foundations-cdn-fallback: end */"), re.DOTALL)
CDN_FALLBACK_OFFLINE = "var foundationsLoadPlotly = function (callback) { callback(); };"
# The address a chart's fallback loads plotly.js from (plotly.js itself names cdn.plot.ly/ for its
# map data, which a handout never fetches).
CDN_SCRIPT = re.compile(r"cdn\.plot\.ly/plotly-([a-z]+-)?[0-9.]+(\.min)?\.js")

# The kernel's own bootstrap output (it probes local addresses and loads require.js from a CDN
# so a live Jupyter page can talk back to the kernel).
KERNEL_BOOTSTRAP_MARKERS = ("dotnet-interactive-this-cell", "probeAddresses(")

# Lines of a kernel log that say why the kernel died, shown before the log's tail.
KERNEL_DEATH_CAUSES = re.compile(r"Process terminated|Unhandled exception|OutOfMemory|Stack overflow|Fatal error|AddressInUseException", re.IGNORECASE)

CSHARP_LANGUAGE_INFO = {
    "name": "C#",
    "pygments_lexer": "csharp",
    "mimetype": "text/x-csharp",
    "file_extension": ".cs",
}


# The first line of an exercise check's output (src/Course.Exercises/Exercise.cs, ExerciseResult).
EXERCISE_RESULT = re.compile(r"Exercise (\d+\.\d+): (correct|not attempted yet|not right yet)")
# What every check must say in each edition.
EXPECTED_EXERCISE_STATUS = {"learner": "not attempted yet", "instructor": "correct"}
EDITION_NAMES = {"learner": "learner's edition", "instructor": "instructor's edition"}
# How a setup.dib spells its way to the library: "../src/" from notebooks/, "../../src/" from a folder
# below it; an edition folder elsewhere gets its own copy, with its own way there.
SETUP_FILE = "setup.dib"
SETUP_LIBRARY_PATH = re.compile(r"(?<![\w./])((?:\.\./)+)src/")


class PipelineError(Exception):
    pass


def tags_of(cell):
    return cell.get("metadata", {}).get("tags", [])


def edition(nb, which):
    """One edition of a source notebook: the learner's drops the cells tagged solution (code and the
    questionnaire's answers), the instructor's drops the exercise stubs, whose solutions follow them."""
    if which not in EXPECTED_EXERCISE_STATUS:
        raise PipelineError(f"unknown edition {which!r}; the editions are {', '.join(EXPECTED_EXERCISE_STATUS)}")
    drop = SETTINGS["tags"]["solution"] if which == "learner" else SETTINGS["tags"]["exercise"]
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if drop not in tags_of(c)]
    nb.metadata["foundations"] = {"edition": which}
    return nb


def write_edition_setup(notebooks_dir, folder):
    """Copies notebooks_dir's setup.dib into `folder` with its relative way to src/ recomputed from
    there, so the notebooks in `folder` run where they are. Does nothing when there is no setup.dib."""
    source = Path(notebooks_dir) / SETUP_FILE
    if not source.exists():
        return
    text = source.read_text(encoding="utf-8")
    ways = set(SETUP_LIBRARY_PATH.findall(text))
    if len(ways) != 1:
        raise PipelineError(f"{source} should name the library one way, as ../src/... from its folder; it has "
                            f"{', '.join(sorted(w + 'src/' for w in ways)) or 'none'}: teach the pipeline its new spelling")
    library = (Path(notebooks_dir).resolve() / ways.pop() / "src").resolve()
    relative = Path(os.path.relpath(library, Path(folder).resolve())).as_posix()
    Path(folder, SETUP_FILE).write_text(SETUP_LIBRARY_PATH.sub(lambda _: relative + "/", text), encoding="utf-8")


def exercise_results(nb):
    """What each cell tagged check said: [{cell, exercise, status}] in order; exercise and status are
    None when its output holds no exercise result."""
    results = []
    for number, cell in enumerate(code_cells(nb), 1):
        if SETTINGS["tags"]["check"] not in tags_of(cell):
            continue
        match = EXERCISE_RESULT.search(output_text(cell))
        results.append({"cell": number, "exercise": match.group(1) if match else None, "status": match.group(2) if match else None})
    return results


def exercise_problems(results, which):
    """Checks that did not say what the edition expects: every one "correct" in the instructor's,
    "not attempted yet" in the learner's."""
    expected = EXPECTED_EXERCISE_STATUS[which]
    return [f"code cell {r['cell']}: no exercise result in its output" if r["status"] is None
            else f"code cell {r['cell']}: exercise {r['exercise']} says \"{r['status']}\" in the {EDITION_NAMES[which]}, expected \"{expected}\""
            for r in results if r["status"] != expected]


def notebooks_in_order(folder):
    """notebooks/*.ipynb by name, numbers compared as numbers (2 before 10)."""
    key = lambda p: [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", p.name)]
    return sorted((p for p in Path(folder).glob("*.ipynb") if not p.name.startswith(".")), key=key)


def execute(source, target):
    """Runs every cell of `source` with the .NET kernel, from the notebook's folder (so relative paths
    resolve), strips the kernel's bootstrap output, writes the result to `target` and returns it.
    Raises PipelineError naming the failing cell, or the cause of the kernel's death."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    kernel_log = Path(target).with_suffix(".kernel.log")
    os.environ.update(SETTINGS["kernelEnvironment"])
    attempts = SETTINGS["kernelStartAttempts"]
    for attempt in range(1, attempts + 1):
        nb = nbformat.read(source, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=SETTINGS["kernel"],
            timeout=SETTINGS["cellTimeoutSeconds"],
            startup_timeout=SETTINGS["kernelStartupSeconds"],
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(Path(source).parent)}},
        )
        try:
            # The kernel logs its web host's start and stop; keep that out of the build's output.
            with open(kernel_log, "w", encoding="utf-8") as log:
                client.execute(stdout=log, stderr=subprocess.STDOUT)
            break
        except (CellExecutionError, CellTimeoutError) as error:
            nbformat.write(strip_kernel_bootstrap(nb), target)
            # After a failed set-up every later cell says only that it did not complete; the cause is in the set-up cell.
            setup_problem = setup_failure(nb)
            cause = f"{setup_problem}\n" if setup_problem else ""
            raise PipelineError(f"{Path(source).name}: {cause}{failing_cell_message(nb, error)}\n"
                                f"(partial output in {target}, kernel log in {kernel_log})") from None
        except (DeadKernelError, RuntimeError) as error:
            log_text = kernel_log.read_text(encoding="utf-8", errors="replace")
            # Kernels started at the same moment can pick the same port for their web host; the loser
            # dies before running anything, so starting it again is safe.
            if "AddressInUseException" in log_text and attempt < attempts:
                print(f"pipeline:   the kernel lost a port race; starting it again ({attempt + 1}/{attempts})", flush=True)
                time.sleep(random.uniform(1, 5))
                continue
            nbformat.write(strip_kernel_bootstrap(nb), target)
            raise PipelineError(f"{Path(source).name}: the kernel died ({type(error).__name__}: {error})\n"
                                + kernel_death_cause(log_text, kernel_log)) from None
    strip_kernel_bootstrap(nb)
    setup_problem = setup_failure(nb)
    if setup_problem:
        nbformat.write(nb, target)
        raise PipelineError(f"{Path(source).name}: {setup_problem}")
    # nbclient lets a cell tagged raises-exception fail and goes on; so does the check here.
    errors = [(i, o) for i, c in enumerate(code_cells(nb), 1) if RAISES_EXCEPTION not in tags_of(c)
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        nbformat.write(nb, target)
        number, output = errors[0]
        raise PipelineError(f"{Path(source).name}: {len(errors)} error output(s), first in code cell {number} "
                            f"({first_line(code_cells(nb)[number - 1])}): {output.get('ename')}: {output.get('evalue')}")
    nbformat.write(nb, target)
    return nb


# What an #!import'ed setup.dib prints when one of its sections fails: the kernel reports it as text,
# not as the cell's error, so a notebook with nothing after the set-up would otherwise pass.
SETUP_FAILURE = re.compile(r"error [A-Z]+\d{4}[^\n]*|dotnet build failed[^\n]*|Missing from [^\n]*|The set-up did not complete[^\n]*")
# The tag with which nbclient lets a cell fail without stopping the run.
RAISES_EXCEPTION = "raises-exception"


def setup_failure(nb):
    """A message naming the set-up cell and its first reported failure, or None."""
    for number, cell in enumerate(code_cells(nb), 1):
        if SETTINGS["tags"]["setup"] not in cell.get("metadata", {}).get("tags", []):
            continue
        match = SETUP_FAILURE.search(output_text(cell))
        if match:
            return f"the set-up cell (code cell {number}) failed: {match.group(0)}"
    return None


def output_text(cell):
    """Everything a cell's outputs say as text: streams, plain-text and HTML data, error values."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(_joined(output.get("text", "")))
        for mime in ("text/plain", "text/html"):
            parts.append(_joined(output.get("data", {}).get(mime, "")))
        parts.append(output.get("evalue", "") or "")
    return "\n".join(p for p in parts if p)


def _joined(text):
    return "".join(text) if isinstance(text, list) else text


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def first_line(cell):
    """The cell's first line that is not blank or a comment, for naming it in a message."""
    lines = [l.strip() for l in cell.source.splitlines() if l.strip()]
    code = [l for l in lines if not l.startswith("//")]
    line = (code or lines or ["(empty)"])[0]
    return line if len(line) <= 80 else line[:77] + "..."


def failing_cell_message(nb, error):
    """"code cell 7 (`var x = ...`) failed:" with the error and the compiler's diagnostics, which the
    kernel writes to the cell's stderr rather than into the error."""
    for number, cell in enumerate(code_cells(nb), 1):
        outputs = cell.get("outputs", [])
        failed = [o for o in outputs if o.get("output_type") == "error"]
        if not failed:
            continue
        stderr = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr").strip()
        message = f"code cell {number} (`{first_line(cell)}`) failed: {failed[0].get('ename')}: {_shorten(failed[0].get('evalue', ''), 20)}"
        return message + (f"\n{_shorten(stderr, 20)}" if stderr else "")
    # A time-out leaves no error output; nbclient's message names the cell's source.
    return f"a cell did not finish: {_shorten(str(error), 20)}"


def kernel_death_cause(log_text, log_path):
    causes = [l.strip() for l in log_text.splitlines() if KERNEL_DEATH_CAUSES.search(l)]
    text = ""
    if causes:
        text += "cause, from the kernel log:\n  " + "\n  ".join(causes[:5]) + "\n"
    tail = log_text.strip().splitlines()[-15:]
    return text + f"last lines of {log_path}:\n" + "\n".join(tail)


def _shorten(text, max_lines):
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    lines = text.splitlines()
    return text if len(lines) <= max_lines else "\n".join(lines[:max_lines]) + f"\n... ({len(lines) - max_lines} more lines)"


def compare(first, second):
    """The code cells whose outputs differ between two executions of one notebook, except cells tagged
    timing: one entry per cell with its number, first line and a short diff. Empty when the two runs
    are byte-identical outside the timing cells."""
    timing = SETTINGS["tags"]["timing"]
    one, two = code_cells(first), code_cells(second)
    if [c.source for c in one] != [c.source for c in two]:
        return [{"cell": 0, "first_line": "", "diff": "the two executions ran different versions of the notebook"}]
    differences = []
    for number, (a, b) in enumerate(zip(one, two), 1):
        if timing in a.get("metadata", {}).get("tags", []):
            continue
        left = json.dumps({"execution_count": a.get("execution_count"), "outputs": a.get("outputs", [])}, indent=1, sort_keys=True, ensure_ascii=False)
        right = json.dumps({"execution_count": b.get("execution_count"), "outputs": b.get("outputs", [])}, indent=1, sort_keys=True, ensure_ascii=False)
        if left != right:
            diff = list(difflib.unified_diff(left.splitlines(), right.splitlines(), "first run", "second run", lineterm="", n=1))
            differences.append({"cell": number, "first_line": first_line(a), "diff": "\n".join(diff[:30])})
    return differences


def without_timing_outputs(nb):
    """The notebook's JSON text with the outputs of timing cells removed: what must be byte-identical."""
    nb = copy.deepcopy(nb)
    for cell in code_cells(nb):
        if SETTINGS["tags"]["timing"] in cell.get("metadata", {}).get("tags", []):
            cell.outputs = []
    return nbformat.writes(nb)


def chapter_title(nb, fallback):
    """The text of the first markdown heading, without markdown emphasis or code marks."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return fallback


def prepare_for_export(nb):
    """A copy for export: C# language_info (so code cells get C# highlighting), without the set-up cell
    (a reader of the handout has nothing to build) and without kernel bootstrap outputs."""
    nb = copy.deepcopy(nb)
    nb.metadata["language_info"] = dict(CSHARP_LANGUAGE_INFO)
    nb.cells = [c for c in nb.cells if SETTINGS["tags"]["setup"] not in c.get("metadata", {}).get("tags", [])]
    strip_kernel_bootstrap(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
                data["text/html"] = CDN_FALLBACK.sub(lambda _: CDN_FALLBACK_OFFLINE, text)
    return nb


def strip_kernel_bootstrap(nb):
    """Drops the kernel's bootstrap output (a script that finds the live kernel on a port that changes
    from run to run); a saved notebook has no kernel to talk to."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not _is_kernel_bootstrap(o)]
    return nb


def _is_kernel_bootstrap(output):
    text = output.get("data", {}).get("text/html", "")
    if isinstance(text, list):
        text = "".join(text)
    return any(marker in text for marker in KERNEL_BOOTSTRAP_MARKERS)


def export_html(nb, title, target):
    # Each source line of a code cell in its own span (code-line-N), for the hanging indent of
    # wrapped lines in handout.css.
    config = Config({"Highlight2HTML": {"extra_formatter_options": {"linespans": "code-line"}}})
    exporter = HTMLExporter(
        config=config,
        template_name="handout",
        extra_template_basedirs=[str(TEMPLATES)],
        embed_images=True,
        exclude_anchor_links=False,
    )
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    Path(target).write_text(body, encoding="utf-8")
    return body


# The committed learner's notebooks (notebooks/*.ipynb): what a learner meets on cloning the repository
# or on GitHub. Each is the learner's edition as executed, with a picture of every chart in place of
# the plotly.js that the first chart of a kernel session carries: GitHub's viewer runs no scripts, so
# the picture is what it shows; a front end that runs scripts draws the interactive chart over it,
# loading plotly.js from the CDN.

# Written by src/Foundations.Interactive/ChartHtml.cs: the chart's box, its plot element, and the two
# lines of its script that hold what it draws.
CHART_BOX = re.compile(r'<div class="foundations-chart" style="width:100%;max-width:(\d+)px">')
CHART_PLOT = re.compile(r'<div id="(foundations-chart-[0-9a-f-]+)" class="foundations-plot" style="width:100%;height:(\d+)px"></div>')
CHART_PARTS = re.compile(r"^  var (data|layout) = (.*);$", re.MULTILINE)
PLOTLY_PRELUDE = re.compile(r"<script>\n/\* plotly\.js [^\n]*" + re.escape(PLOTLY_EMBED_MARKER) + r" \*/\n.*?</script>\n", re.DOTALL)
PICTURE_MARKER = 'class="foundations-picture"'
# What a committed notebook's outputs depend on besides its source: the libraries the notebooks load,
# the set-up they import and the data they read (documentation excluded).
COMMITTED_DEPENDS_ON = (re.compile(r"^src/(Foundations|Foundations\.Engine|Course\.Exercises|Foundations\.Interactive)/(?!.*\.md$)"),
                        re.compile(r"^notebooks/setup\.dib$"), re.compile(r"^data/"))


def _html_of(output):
    return _joined(output.get("data", {}).get("text/html", ""))


def chart_specs(nb):
    """Every chart in the notebook's outputs, in order: {id, width, height, data, layout}, with data
    and layout as the JSON text the chart's script draws."""
    specs = []
    for cell in code_cells(nb):
        for output in cell.get("outputs", []):
            text = _html_of(output)
            if CHART_MARKER not in text:
                continue
            plot, box = CHART_PLOT.search(text), CHART_BOX.search(text)
            parts = dict(CHART_PARTS.findall(text))
            if text.count(CHART_MARKER) != 1 or not plot or not box or set(parts) != {"data", "layout"}:
                raise PipelineError("a chart's HTML is not in the form src/Foundations.Interactive/ChartHtml.cs writes "
                                    "(one chart per output, its plot element, 'var data' and 'var layout' lines): teach the pipeline the new form")
            specs.append({"id": plot.group(1), "width": int(box.group(1)), "height": int(plot.group(2)),
                          "data": parts["data"], "layout": parts["layout"]})
    return specs


def plotly_script():
    """The local plotly.js bundle the pictures are drawn with (FOUNDATIONS_PLOTLY_JS, else the npm copy)."""
    override = os.environ.get("FOUNDATIONS_PLOTLY_JS")
    path = Path(override) if override else REPO / ".ci" / "npm" / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
    if not path.is_file():
        raise PipelineError(f"{path} is missing, so the charts' pictures cannot be drawn: run .ci/setup (npm ci in .ci/npm)")
    return path


def render_pictures(specs):
    """An SVG picture of each chart, drawn by plotly.js itself (Plotly.toImage) in headless Chromium, at
    the chart's own size. plotly names its clip paths after a random id; each picture's is replaced by
    one from the chart's id, so a notebook built twice from the same run has the same pictures."""
    if not specs:
        return []
    charts = ",\n".join(f'{{"id": {json.dumps(s["id"])}, "width": {s["width"]}, "height": {s["height"]}, '
                        f'"data": {s["data"]}, "layout": {s["layout"]}}}' for s in specs)
    page = f"""<!doctype html><html><head><meta charset="utf-8">
<script src="{plotly_script().resolve().as_uri()}"></script></head><body><pre id="pictures">pending</pre><script>
var charts = [
{charts}
];
Promise.all(charts.map(function (c) {{
  return Plotly.toImage({{ data: c.data, layout: c.layout }}, {{ format: "svg", width: c.width, height: c.height }});
}})).then(function (urls) {{ document.getElementById("pictures").textContent = JSON.stringify(urls); }},
         function (error) {{ document.getElementById("pictures").textContent = "error: " + error; }});
</script></body></html>
"""
    with tempfile.TemporaryDirectory(prefix="pictures-chromium-") as folder:
        Path(folder, "pictures.html").write_text(page, encoding="utf-8")
        result = subprocess.run([SETTINGS["chromium"]["path"], *SETTINGS["chromium"]["flags"], f"--user-data-dir={folder}/profile",
                                 "--virtual-time-budget=60000", "--dump-dom", Path(folder, "pictures.html").as_uri()],
                                capture_output=True, text=True, timeout=300)
    found = re.search(r'<pre id="pictures">(.*?)</pre>', result.stdout, re.DOTALL)
    text = html.unescape(found.group(1)) if found else ""
    if result.returncode != 0 or not text.startswith("["):
        raise PipelineError(f"chromium could not draw the charts' pictures: {text[:300] or 'no output'}\n{result.stderr[-1500:]}")
    pictures = []
    for spec, url in zip(specs, json.loads(text), strict=True):
        prefix = "data:image/svg+xml,"
        if not url.startswith(prefix):
            raise PipelineError(f"plotly.js drew chart {spec['id']} as {url[:40]}..., not as an SVG")
        svg = urllib.parse.unquote(url[len(prefix):])
        uid = re.search(r'id="defs-([0-9a-z]+)"', svg)
        if uid:
            stable = hashlib.sha256(spec["id"].encode()).hexdigest()[:6]
            svg = re.sub(r"(clip|legend|defs-)" + re.escape(uid.group(1)), lambda m: m.group(1) + stable, svg)
        pictures.append(svg)
    return pictures


def committed_dependencies_hash(repo=REPO):
    """A SHA-256 over the files COMMITTED_DEPENDS_ON names (as input_files lists them), or None."""
    files = input_files(repo)
    if files is None:
        return None
    digest = hashlib.sha256()
    for name in files:
        if any(rule.search(name) for rule in COMMITTED_DEPENDS_ON):
            path = Path(repo, name)
            data = path.read_bytes() if path.is_file() else b"(missing)"
            digest.update(f"{name}\0{len(data)}\0".encode("utf-8", errors="surrogateescape") + data)
    return digest.hexdigest()


def committed_copy(executed, source, pictures, depends_on, repo=REPO):
    """The learner's executed edition as it is committed: the set-up cell's output dropped (it names
    the build folder it ran in), plotly.js taken out of the first chart, a picture put in every chart's
    plot element, and in its metadata the hashes that say what it was built from (source notebook, and
    libraries, set-up and data)."""
    nb = copy.deepcopy(executed)
    specs = iter(pictures)
    for cell in code_cells(nb):
        if SETTINGS["tags"]["setup"] in tags_of(cell):
            cell.outputs = []
            cell.execution_count = None
        for output in cell.get("outputs", []):
            text = _html_of(output)
            if CHART_MARKER not in text:
                continue
            text = PLOTLY_PRELUDE.sub("", text)
            layout = json.loads(dict(CHART_PARTS.findall(text))["layout"])
            title = layout.get("title", {})
            title = title.get("text", "") if isinstance(title, dict) else str(title or "")
            svg = next(specs)
            picture = (f'<img {PICTURE_MARKER} alt="{html.escape("chart: " + title)}" style="width:100%;height:auto;display:block" '
                       f'src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">')
            text = CHART_PLOT.sub(lambda m: m.group(0)[:-len("</div>")] + picture + "</div>", text, count=1)
            output["data"]["text/html"] = text
    if next(specs, None) is not None:
        raise PipelineError("more pictures than charts")
    relative = Path(source).resolve().relative_to(Path(repo).resolve()).as_posix() if Path(source).resolve().is_relative_to(Path(repo).resolve()) else Path(source).name
    nb.metadata["foundations"] = {
        "edition": "learner",
        "committed": {
            "source": relative,
            "source_sha256": hashlib.sha256(Path(source).read_bytes()).hexdigest(),
            "depends_on_sha256": depends_on,
            "written_by": ".ci/handouts (.ci/pipeline/pipeline.py); do not edit by hand: edit the source and run .ci/handouts",
        },
    }
    return nb


def committed_problems(path, source, depends_on):
    """Why a committed learner's notebook does not stand for its source now: missing, built from another
    version of the source or of what it depends on, with a solution in it, or a chart without a
    picture (GitHub's viewer, which runs no scripts, would show an empty box)."""
    if not Path(path).exists():
        return [f"{path} is missing: run .ci/handouts, which writes it"]
    nb = nbformat.read(path, as_version=4)
    problems = []
    built = nb.metadata.get("foundations", {}).get("committed", {})
    if built.get("source_sha256") != hashlib.sha256(Path(source).read_bytes()).hexdigest():
        problems.append(f"{Path(path).name} was built from another version of {Path(source).name}: run .ci/handouts and commit notebooks/")
    if built.get("depends_on_sha256") != depends_on:
        problems.append(f"{Path(path).name} was built from other versions of the libraries, notebooks/setup.dib or data/: run .ci/handouts and commit notebooks/")
    solutions = [c for c in nb.cells if SETTINGS["tags"]["solution"] in tags_of(c)]
    if solutions:
        problems.append(f"{Path(path).name} holds {len(solutions)} cell(s) tagged solution")
    rendered = re.sub(r"<script\b.*?</script>", "", export_html_text(nb), flags=re.DOTALL | re.IGNORECASE)
    charts, pictures = rendered.count(CHART_MARKER), len(re.findall(re.escape(PICTURE_MARKER) + r'[^>]*src="data:image/svg\+xml;base64,', rendered))
    if charts != pictures:
        problems.append(f"{Path(path).name}: {charts} chart(s) but {pictures} picture(s) once scripts are removed")
    if PLOTLY_EMBED_MARKER in rendered or PLOTLY_EMBED_MARKER in nbformat.writes(nb):
        problems.append(f"{Path(path).name} embeds plotly.js")
    shown = {c.source.strip() for c in nb.cells}
    leaked = [first_line(c) for c in nbformat.read(source, as_version=4).cells
              if SETTINGS["tags"]["solution"] in tags_of(c) and c.source.strip() in shown]
    if leaked:
        problems.append(f"{Path(path).name} shows the text of {len(leaked)} solution cell(s), e.g. {leaked[0]!r}")
    return problems


def export_html_text(nb):
    """The notebook as nbconvert's plain HTML export renders it, as GitHub-style viewers do."""
    body, _ = HTMLExporter(template_name="classic").from_notebook_node(copy.deepcopy(nb))
    return body


def publish(out_dir, learner_dir):
    """Copies the committed learner's notebooks from out_dir into learner_dir where they differ, and
    removes learner_dir's notebooks that no source has any more. Returns what it changed."""
    built = {p.name: p for p in (Path(out_dir) / SETTINGS["committedDir"]).glob("*.ipynb")}
    changed = []
    for name, path in sorted(built.items()):
        target = Path(learner_dir) / name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
            changed.append(f"wrote {target.relative_to(REPO) if target.resolve().is_relative_to(REPO) else target}")
    for stale in Path(learner_dir).glob("*.ipynb"):
        if stale.name not in built:
            stale.unlink()
            changed.append(f"removed {stale.name} (no source has it)")
    return changed


class _RemoteReferences(html.parser.HTMLParser):
    """Collects URLs that a browser would fetch by itself on load (not plain links)."""

    LOADED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
              "audio": "src", "embed": "src", "object": "data", "link": "href"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.remote = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(self.LOADED.get(tag, ""), None)
        if url and _is_remote(url):
            self.remote.append(f"<{tag}> {url}")
        if "style" in attrs and _remote_css(attrs["style"] or ""):
            self.remote.append(f"<{tag} style> {_remote_css(attrs['style'])}")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style and _remote_css(data):
            self.remote.append(f"<style> {_remote_css(data)}")


def _is_remote(url):
    return re.match(r"^\s*(https?:)?//", url, re.IGNORECASE) is not None


def _remote_css(css):
    match = re.search(r"(@import\s+(?:url\(\s*)?['\"]?|url\(\s*['\"]?)((https?:)?//[^'\")\s;]+)", css, re.IGNORECASE)
    return match.group(2) if match else None


def check_offline(text):
    """Problems that would stop a page from working offline; an empty list when there are none."""
    problems = []
    parser = _RemoteReferences()
    parser.feed(text)
    problems += [f"loads from the network: {r}" for r in parser.remote]
    charts = text.count(CHART_MARKER)
    embeds = text.count(PLOTLY_EMBED_MARKER)
    if charts and embeds != 1:
        problems.append(f"{charts} chart(s) but plotly.js is embedded {embeds} times (expected once)")
    if not charts and embeds:
        problems.append(f"no charts but plotly.js is embedded {embeds} times")
    if CDN_SCRIPT.search(text):
        problems.append(f"the page names {CDN_SCRIPT.search(text).group(0)}: a chart's CDN fallback was not removed")
    if PLOTLY_CDN_NOTE in text:
        problems.append("a chart fell back to the CDN: the local plotly.js was missing when the notebook ran (run .ci/setup)")
    return problems


def chart_count(text):
    return text.count(CHART_MARKER)


def print_pdf(html_path, pdf_path):
    """Prints a handout with headless Chromium, opened as page.html?print so that it takes the printed
    page's width and draws its charts at that width (handout.js, handout.css); then writes a PNG of
    every page next to the PDF (pages/NAME-N.png) for a reader to check the layout."""
    with tempfile.TemporaryDirectory(prefix="handout-chromium-") as profile:
        command = [
            SETTINGS["chromium"]["path"], *SETTINGS["chromium"]["flags"], f"--user-data-dir={profile}", "--window-size=900,1000", "--virtual-time-budget=20000",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", Path(html_path).resolve().as_uri() + "?print",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not Path(pdf_path).exists() or Path(pdf_path).stat().st_size == 0:
        raise PipelineError(f"chromium could not print {html_path}:\n{result.stderr[-2000:]}")
    pages = Path(pdf_path).parent / "pages"
    pages.mkdir(exist_ok=True)
    result = subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(pages / Path(pdf_path).stem)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise PipelineError(f"pdftoppm could not render the pages of {pdf_path}:\n{result.stderr[-2000:]}")


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Neural Nets from the Foundations, in C#: handouts</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
  ul.chapters {{ list-style: none; padding-left: 0; }}
  ul.chapters li {{ margin: 0.6em 0; }}
  .chapter {{ font-weight: 600; }}
  .pdf {{ font-size: 90%; color: #666; }}
  a {{ color: #1f5fa8; }}
</style>
</head>
<body>
<h1>Neural Nets from the Foundations, in C#</h1>
<p>Handouts: each chapter run from top to bottom, with its charts. The files open from disk and need no network.</p>
{intro}
<ul class="chapters">
{items}
</ul>
</body>
</html>
"""


INDEX_BOTH_EDITIONS = """<p>Each chapter comes in two editions. The <b>learner's edition</b> has the exercises as placeholders, each check
reporting "not attempted yet", and the questionnaire without answers. The <b>instructor's edition</b> has every
exercise solved and checked, and the questionnaire's answers. The learner's notebooks to work in are in
<code>build/editions/learner/</code>.</p>"""
INDEX_LEARNER_ONLY = """<p>These are the learner's edition: the exercises as placeholders, each check reporting "not attempted
yet", and the questionnaires without answers. To work through them, clone the repository and open
<code>notebooks/</code>.</p>"""


def write_index(chapters, target, intro=INDEX_BOTH_EDITIONS):
    """chapters: (title, {edition: (html path, pdf path or None)}) in course order, paths relative to
    the index."""
    items = []
    for title, editions in chapters:
        links = []
        for which, (html_name, pdf_name) in editions.items():
            link = f'<a class="{html.escape(which)}" href="{html.escape(html_name)}">{html.escape(EDITION_NAMES[which])}</a>'
            if pdf_name:
                link += f' <span class="pdf">(<a href="{html.escape(pdf_name)}">PDF</a>)</span>'
            links.append(link)
        items.append(f'  <li><span class="chapter">{html.escape(title)}</span><br>{" · ".join(links)}</li>')
    Path(target).write_text(INDEX_TEMPLATE.format(items="\n".join(items), intro=intro), encoding="utf-8")


def write_pages(out_dir, target):
    """The public site (GitHub Pages): the learner's handouts only, which give no answer away, and an
    index of them, copied from a build that succeeded. Returns how many chapters it lists."""
    report = json.loads((Path(out_dir) / SETTINGS["report"]).read_text(encoding="utf-8"))
    if not report.get("ok"):
        raise PipelineError("the last build failed: there are no handouts to publish")
    target = Path(target)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(Path(out_dir) / SETTINGS["handoutsDir"] / "learner", target / "learner", ignore=shutil.ignore_patterns("pages"))
    chapters = [(entry["title"], {"learner": (entry["html"], entry.get("pdf"))})
                for entry in report["notebooks"] if entry["edition"] == "learner"]
    write_index(chapters, target / "index.html", INDEX_LEARNER_ONLY)
    return len(chapters)


# Every seed a chapter sets: Tensor.ManualSeed(n) in a code cell or in setup.dib.
SEED_CALL = re.compile(r"(\bTensor\.ManualSeed\()(\d+)(\))")


def shift_seeds(text, shift):
    """`text` with every Tensor.ManualSeed(n) made Tensor.ManualSeed(n + shift), and the seeds it changed."""
    changed = []

    def moved(match):
        changed.append(f"{match.group(2)}→{int(match.group(2)) + shift}")
        return f"{match.group(1)}{int(match.group(2)) + shift}{match.group(3)}"
    return SEED_CALL.sub(moved, text), changed


def write_other_seeds(notebooks_dir, instructor_path, folder, shift):
    """The instructor's edition at instructor_path with every seed moved by `shift`, in `folder` with a
    setup.dib whose seed is moved too; returns (its path, the seeds changed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_edition_setup(notebooks_dir, folder)
    changed = []
    setup = folder / SETUP_FILE
    if setup.exists():
        text, moved = shift_seeds(setup.read_text(encoding="utf-8"), shift)
        setup.write_text(text, encoding="utf-8")
        changed += [f"setup.dib: {m}" for m in moved]
    nb = nbformat.read(instructor_path, as_version=4)
    for number, cell in enumerate(code_cells(nb), 1):
        cell.source, moved = shift_seeds(cell.source, shift)
        changed += [f"code cell {number}: {m}" for m in moved]
    nb.metadata["foundations"] = {**nb.metadata.get("foundations", {}), "seedShift": shift}
    path = folder / Path(instructor_path).name
    nbformat.write(nb, path)
    return path, changed


def write_editions(notebooks_dir, editions_dir):
    """Writes both editions of every notebook (not executed) with their setup.dib into
    editions_dir/learner and editions_dir/instructor; returns {(notebook name, edition): path}."""
    paths = {}
    for which in SETTINGS["editions"]:
        folder = Path(editions_dir) / which
        folder.mkdir(parents=True, exist_ok=True)
        write_edition_setup(notebooks_dir, folder)
        for source in notebooks_in_order(notebooks_dir):
            path = folder / source.name
            nbformat.write(edition(nbformat.read(source, as_version=4), which), path)
            paths[(source.name, which)] = path
    return paths


# What the build's outputs depend on, for deciding whether they can be reused: every file git lists
# in the repository (tracked, and untracked but not ignored, so a new project counts before it is
# committed), read from the working tree, except the files below, which no notebook run or export
# reads. The list is by pattern, not of today's projects, so a new library project is covered.
NOT_INPUTS = (
    re.compile(r"^src/[^/]*\.Tests/"),        # the xunit projects: they read the outputs, they do not make them
    re.compile(r"^src/[^/]*Benchmarks[^/]*/"),  # the benchmark project
    re.compile(r"(^|/)[^/]*\.md$"),            # documentation
    re.compile(r"^\.devcontainer/"),
    re.compile(r"^\.ci/(test|run)$"),            # the commands that call the build, not the build
    re.compile(r"^\.github/"),                  # the GitHub workflow, which calls .ci/run
    re.compile(r"^\.ci/lint-workflows\.mjs$"),    # its lint, run by the tests
    re.compile(r"^\.ci/pipeline/test_pipeline\.py$"),
    re.compile(r"^notebooks/[^/]*\.ipynb$"),       # the committed learner's notebooks: this build writes them
)


def input_files(repo=REPO):
    """The repository's files the outputs depend on (see NOT_INPUTS), relative POSIX paths in order, or
    None when git cannot list them (then nothing is reused)."""
    try:
        listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"],
                                capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    names = {n for n in listed.stdout.decode("utf-8", errors="surrogateescape").split("\0") if n}
    return sorted(n for n in names if not any(rule.search(n) for rule in NOT_INPUTS))


def inputs_hash(notebooks_dir, pdf, repo=REPO, files=None):
    """A SHA-256 over everything the build's outputs depend on: the content of every input file (a
    listed file that is gone counts as gone), the notebooks folder's own files when it lies outside the
    repository (--notebooks), the build's options, and the versions of the tools outside the
    repository that run and export the notebooks. None when the inputs cannot be listed."""
    files = input_files(repo) if files is None else files
    if files is None:
        return None
    digest = hashlib.sha256()

    def add(label, data):
        digest.update(f"{label}\0{len(data)}\0".encode("utf-8", errors="surrogateescape"))
        digest.update(data)

    for name in files:
        path = Path(repo, name)
        add("file " + name, path.read_bytes() if path.is_file() else b"(missing)")
    notebooks_dir = Path(notebooks_dir).resolve()
    add("notebooks folder", str(notebooks_dir).encode())
    if not notebooks_dir.is_relative_to(Path(repo).resolve()):
        for path in sorted(p for p in notebooks_dir.iterdir() if p.is_file()):
            add("notebook " + path.name, path.read_bytes())
    add("options", json.dumps({"pdf": bool(pdf), "settings": SETTINGS}, sort_keys=True).encode())
    add("tools", tool_versions().encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def tool_versions():
    """The .NET SDK's and the Python packages' versions, which a fresh machine could differ in."""
    import nbclient
    import nbconvert
    try:
        sdk = subprocess.run(["dotnet", "--version"], capture_output=True, text=True, timeout=120, cwd=REPO).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        sdk = "(no dotnet)"
    return f"dotnet {sdk}; nbclient {nbclient.__version__}; nbconvert {nbconvert.__version__}; nbformat {nbformat.__version__}"


def reuse_refusal(notebooks_dir, out_dir, pdf, current_hash):
    """Why the outputs in out_dir cannot stand for a build of notebooks_dir now, or None when they
    can: the last build must have finished and succeeded, from inputs with the same hash, and every
    output its report names must still be there."""
    out_dir = Path(out_dir)
    report_path = out_dir / SETTINGS["report"]
    if current_hash is None:
        return "the inputs could not be listed with git"
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"there is no readable {report_path.name} (no finished build)"
    if not report.get("ok"):
        return "the last build failed"
    recorded = (report.get("inputs") or {}).get("hash")
    if recorded != current_hash:
        return "the inputs changed since the last build" if recorded else "the last build recorded no inputs hash"
    names = [p.name for p in notebooks_in_order(notebooks_dir)]
    ran = sorted((n.get("name"), n.get("edition")) for n in report.get("notebooks", []))
    if ran != sorted((name, which) for name in names for which in SETTINGS["editions"]):
        return "the report does not list every notebook in every edition"
    expected = [out_dir / SETTINGS["handoutsDir"] / "index.html"]
    for entry in report["notebooks"]:
        if entry.get("error") or entry.get("differences") or entry.get("offline_problems") or entry.get("exercise_problems"):
            return f"{entry['name']} ({entry['edition']}) has problems in the report"
        expected += [out_dir / SETTINGS["editionsDir"] / entry["edition"] / entry["name"],
                     out_dir / SETTINGS["executedDir"] / entry["edition"] / entry["name"],
                     out_dir / SETTINGS["handoutsDir"] / (entry.get("html") or "(no html)")]
        if entry["edition"] == "learner":
            expected.append(out_dir / SETTINGS["committedDir"] / entry["name"])
        if pdf:
            expected.append(out_dir / SETTINGS["handoutsDir"] / (entry.get("pdf") or "(no pdf)"))
    for which in SETTINGS["editions"]:
        if (Path(notebooks_dir) / SETUP_FILE).exists():
            expected.append(out_dir / SETTINGS["editionsDir"] / which / SETUP_FILE)
    missing = [p for p in expected if not p.is_file() or p.stat().st_size == 0]
    if missing:
        return f"{len(missing)} output(s) are missing or empty, e.g. {missing[0].relative_to(out_dir) if missing[0].is_relative_to(out_dir) else missing[0]}"
    return None


def build_or_reuse(notebooks_dir, out_dir, pdf=True, repo=REPO, **build_options):
    """The last build's report when its outputs can be reused (see reuse_refusal), else a new build's.
    Says which it did."""
    current = inputs_hash(notebooks_dir, pdf, repo)
    refusal = reuse_refusal(notebooks_dir, out_dir, pdf, current)
    if refusal is None:
        report = json.loads((Path(out_dir) / SETTINGS["report"]).read_text(encoding="utf-8"))
        print(f"pipeline: REUSING the last build in {out_dir}: it succeeded, from inputs with the same hash "
              f"({current[:12]}, {report['inputs']['files']} files), and every output is in place; nothing executed", flush=True)
        return report
    print(f"pipeline: BUILDING: the last build cannot be reused: {refusal}", flush=True)
    return build(notebooks_dir, out_dir, pdf=pdf, inputs=current, repo=repo, **build_options)


def build(notebooks_dir, out_dir, pdf=True, execute_notebook=execute, print_page=print_pdf, inputs=None, repo=REPO,
          draw_pictures=render_pictures):
    """Writes both editions of every notebook, executes (each edition as often as the settings say, the runs compared), checks
    what the exercise checks said, exports each edition into a staging folder, writes the report, and
    swaps the staged editions/, executed/ and handouts/ folders in only when everything succeeded.
    The report records the hash of the inputs (inputs_hash, taken before anything is read, so an edit
    during the build makes it stale); the previous report is removed first, so a build that is
    killed half-way leaves none to reuse. Returns the report."""
    out_dir = Path(out_dir)
    files = input_files(repo)
    inputs = inputs_hash(notebooks_dir, pdf, repo, files) if inputs is None else inputs
    notebooks = notebooks_in_order(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SETTINGS["report"]).unlink(missing_ok=True)
    if execute_notebook is execute and not any((folder / ".config" / "dotnet-tools.json").exists() for folder in out_dir.resolve().parents):
        # The kernelspec starts `dotnet interactive`, a local tool that dotnet finds from the kernel's
        # working directory, the edition's folder under out_dir.
        raise PipelineError(f"--out {out_dir} is outside the repository: the editions run from there, and the kernel "
                            "(`dotnet interactive`, a local tool) is only found inside it; use a folder under the repository")
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    swapped = (SETTINGS["editionsDir"], SETTINGS["executedDir"], SETTINGS["handoutsDir"], SETTINGS["committedDir"])
    editions_dir, executed_dir, handouts_dir, committed_dir, second_dir = (staging / name for name in (*swapped, "second"))
    depends_on = committed_dependencies_hash(repo)
    for folder in (editions_dir, executed_dir, handouts_dir, committed_dir, second_dir):
        folder.mkdir(parents=True)
    report = {"notebooks_dir": str(Path(notebooks_dir).resolve()), "executions": SETTINGS["executionsPerNotebook"],
              "editions": SETTINGS["editions"], "inputs": {"hash": inputs, "files": len(files) if files is not None else None},
              "notebooks": [], "ok": False, "error": None}
    if not notebooks:
        report["error"] = f"no notebooks in {notebooks_dir}"
    chapters = []
    try:
        edition_paths = write_editions(notebooks_dir, editions_dir)
    except (PipelineError, OSError, ValueError) as error:
        report["error"] = f"could not write the editions: {error}"
        notebooks, edition_paths = [], {}
    for number, source in enumerate(notebooks, 1):
        links = {}
        title = source.stem
        for which in SETTINGS["editions"]:
            entry = {"name": source.name, "edition": which, "title": None, "seconds": [], "error": None, "differences": [],
                     "charts": 0, "html": None, "pdf": None, "offline_problems": [], "exercises": [], "exercise_problems": []}
            report["notebooks"].append(entry)
            try:
                runs = []
                executions = SETTINGS["executionsPerNotebook"] if which == "instructor" else SETTINGS["learnerExecutions"]
                for run in range(1, executions + 1):
                    print(f"pipeline: [{number}/{len(notebooks)}] executing {source.name}, {EDITION_NAMES[which]} (run {run})", flush=True)
                    started = time.monotonic()
                    runs.append(execute_notebook(edition_paths[(source.name, which)], (executed_dir if run == 1 else second_dir) / which / source.name))
                    entry["seconds"].append(round(time.monotonic() - started, 1))
                for later in runs[1:]:
                    entry["differences"] += compare(runs[0], later)
                if which == "instructor" and SETTINGS["seedShift"]:
                    shift = SETTINGS["seedShift"]
                    path, entry["other_seeds"] = write_other_seeds(notebooks_dir, edition_paths[(source.name, which)], staging / "other-seeds", shift)
                    print(f"pipeline: [{number}/{len(notebooks)}] executing {source.name}, {EDITION_NAMES[which]} with every seed moved by {shift} "
                          f"({', '.join(entry['other_seeds']) or 'no seeds'})", flush=True)
                    started = time.monotonic()
                    try:
                        other = execute_notebook(path, executed_dir / "other-seeds" / source.name)
                    except PipelineError as error:
                        raise PipelineError(f"with every seed moved by {shift}: {error}") from None
                    entry["other_seeds_seconds"] = round(time.monotonic() - started, 1)
                    for problem in exercise_problems(exercise_results(other), which):
                        entry["exercise_problems"].append(f"with every seed moved by {shift}: {problem}")
                if entry["differences"]:
                    cells = ", ".join(str(d["cell"]) for d in entry["differences"])
                    print(f"pipeline:   the runs differ in code cell(s) {cells}", flush=True)
                nb = runs[0]
                entry["exercises"] = exercise_results(nb)
                entry["exercise_problems"] += exercise_problems(entry["exercises"], which)
                for problem in entry["exercise_problems"]:
                    print(f"pipeline:   {problem}", flush=True)
                if which == "learner":
                    pictures = draw_pictures(chart_specs(nb))
                    nbformat.write(committed_copy(nb, source, pictures, depends_on, repo), committed_dir / source.name)
                    entry["pictures"] = len(pictures)
                entry["title"] = title = chapter_title(nb, source.stem)
                (handouts_dir / which).mkdir(exist_ok=True)
                html_path = handouts_dir / which / (source.stem + ".html")
                text = export_html(prepare_for_export(nb), f"{entry['title']} ({EDITION_NAMES[which]})", html_path)
                entry["html"], entry["charts"] = f"{which}/{html_path.name}", chart_count(text)
                entry["offline_problems"] = check_offline(text)
                size = html_path.stat().st_size / 1e6
                print(f"pipeline:   {entry['html']}: \"{entry['title']}\", {entry['charts']} chart(s), "
                      f"{len(entry['exercises'])} exercise check(s), {size:.1f} MB", flush=True)
                if pdf:
                    pdf_path = html_path.with_suffix(".pdf")
                    print_page(html_path, pdf_path)
                    entry["pdf"] = f"{which}/{pdf_path.name}"
                    print(f"pipeline:   {entry['pdf']}: {pdf_path.stat().st_size / 1e6:.1f} MB", flush=True)
                links[which] = (entry["html"], entry["pdf"])
            except PipelineError as error:
                entry["error"] = str(error)
                print(f"pipeline: FAILED: {error}", file=sys.stderr, flush=True)
        chapters.append((title, links))
    problems = sorted({f"{n['name']} ({EDITION_NAMES[n['edition']]})" for n in report["notebooks"]
                       if n["error"] or n["differences"] or n["offline_problems"] or n["exercise_problems"]})
    report["ok"] = bool(notebooks) and not problems and not report["error"]
    if report["ok"]:
        write_index(chapters, handouts_dir / "index.html")
        shutil.rmtree(second_dir)
        for name in swapped:
            shutil.rmtree(out_dir / name, ignore_errors=True)
            (staging / name).rename(out_dir / name)
        for which in SETTINGS["editions"]:
            # The editions' way to src/ from where they now are.
            write_edition_setup(notebooks_dir, out_dir / SETTINGS["editionsDir"] / which)
        shutil.rmtree(staging)
        print(f"pipeline: wrote {len(chapters)} chapter(s) in {len(SETTINGS['editions'])} editions and "
              f"{out_dir / SETTINGS['handoutsDir'] / 'index.html'}", flush=True)
    else:
        kept = out_dir / "failed"
        shutil.rmtree(kept, ignore_errors=True)
        staging.rename(kept)
        report["error"] = report["error"] or f"problems in {', '.join(problems)}; the previous handouts were kept, this run's output is in {kept}"
        print(f"pipeline: FAILED: {report['error']}", file=sys.stderr, flush=True)
    (out_dir / SETTINGS["report"]).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="execute the notebooks, export handouts, write the report")
    build_command.add_argument("--notebooks", default=str(REPO / SETTINGS["notebooksDir"]))
    build_command.add_argument("--out", default=str(REPO / SETTINGS["buildDir"]))
    build_command.add_argument("--no-pdf", action="store_true")
    build_command.add_argument("--reuse", action="store_true",
                               help="keep the last build when it succeeded from inputs with the same hash and its outputs are all there")
    build_command.add_argument("--publish", action="store_true",
                               help=f"then copy the committed learner's notebooks into {SETTINGS['learnerDir']}/ (what .ci/handouts does)")
    build_command.add_argument("--no-publish", dest="publish", action="store_false",
                               help="leave them in the build folder (what .ci/test does, so its check compares the committed ones)")
    committed_command = commands.add_parser("check-committed", help=f"check that {SETTINGS['learnerDir']}/*.ipynb stand for their sources now")
    committed_command.add_argument("--notebooks", default=str(REPO / SETTINGS["notebooksDir"]))
    editions_command = commands.add_parser("editions", help="write the learner's and the instructor's notebooks only (no kernel)")
    editions_command.add_argument("--notebooks", default=str(REPO / SETTINGS["notebooksDir"]))
    editions_command.add_argument("--out", default=str(REPO / SETTINGS["buildDir"] / SETTINGS["editionsDir"]))
    pages_command = commands.add_parser("pages", help="write the public site: the learner's handouts and their index")
    pages_command.add_argument("target")
    pages_command.add_argument("--out", default=str(REPO / SETTINGS["buildDir"]))
    execute_command = commands.add_parser("execute", help="run one notebook with the real kernel, as the build does, and write it executed")
    execute_command.add_argument("notebook")
    execute_command.add_argument("out")
    check_command = commands.add_parser("check", help="check exported pages for network use")
    check_command.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "build":
        run = build_or_reuse if args.reuse else build
        if not run(args.notebooks, args.out, pdf=not args.no_pdf)["ok"]:
            return 1
        if args.publish and Path(args.notebooks).resolve() != (REPO / SETTINGS["notebooksDir"]).resolve():
            print(f"pipeline: not publishing: --notebooks {args.notebooks} is not the course's sources ({SETTINGS['notebooksDir']})", flush=True)
        elif args.publish:
            changes = publish(args.out, REPO / SETTINGS["learnerDir"])
            for change in changes:
                print(f"pipeline: {change}", flush=True)
            print(f"pipeline: the committed learner's notebooks in {SETTINGS['learnerDir']}/ are up to date"
                  + (f" ({len(changes)} changed: commit them)" if changes else " (none changed)"), flush=True)
        return 0
    if args.command == "pages":
        print(f"pipeline: {write_pages(args.out, args.target)} chapter(s), learner's edition only, in {args.target}")
        return 0
    if args.command == "check-committed":
        problems = [problem for source in notebooks_in_order(args.notebooks)
                    for problem in committed_problems(REPO / SETTINGS["learnerDir"] / source.name, source, committed_dependencies_hash())]
        for problem in problems:
            print(f"pipeline: {problem}")
        return 1 if problems else 0
    if args.command == "editions":
        paths = write_editions(args.notebooks, args.out)
        for which in SETTINGS["editions"]:
            print(f"pipeline: {EDITION_NAMES[which]}: {sum(1 for (_, w) in paths if w == which)} notebook(s) in {Path(args.out) / which}")
        return 0
    if args.command == "execute":
        try:
            execute(args.notebook, args.out)
        except PipelineError as error:
            print(f"pipeline: FAILED: {error}", file=sys.stderr)
            return 1
        return 0
    failed = False
    for name in args.files:
        problems = check_offline(Path(name).read_text(encoding="utf-8"))
        for problem in problems:
            print(f"{name}: {problem}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
