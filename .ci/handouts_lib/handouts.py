#!/usr/bin/python3
"""Course handouts: run every notebook with the real .NET kernel, then export each to one HTML
file that opens from disk with no network (plus a PDF), and an index of the chapters.

Runs under Debian's python3 (nbclient, nbconvert, nbformat from apt; see .ci/setup).

    handouts.py build [--notebooks DIR] [--out DIR] [--no-pdf]
    handouts.py check FILE.html...      # the offline checks alone, on exported pages
"""

import argparse
import copy
import html
import html.parser
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "templates"
KERNEL = ".net-csharp"
CELL_TIMEOUT = 600
KERNEL_START_ATTEMPTS = 3
CHROMIUM = "/usr/bin/chromium"

# Markers written by src/Foundations.Interactive/ChartHtml.cs.
CHART_MARKER = 'class="foundations-chart"'
PLOTLY_EMBED_MARKER = "sent once per kernel session by Foundations.Interactive"
PLOTLY_CDN_NOTE = "was not found on this machine"

# The kernel's own bootstrap output (it probes local addresses and loads require.js from a CDN
# so a live Jupyter page can talk back to the kernel); a handout has no kernel to talk to.
KERNEL_BOOTSTRAP_MARKERS = ("dotnet-interactive-this-cell", "probeAddresses(")

CSHARP_LANGUAGE_INFO = {
    "name": "C#",
    "pygments_lexer": "csharp",
    "mimetype": "text/x-csharp",
    "file_extension": ".cs",
}


class HandoutError(Exception):
    pass


def notebooks_in_order(folder):
    """notebooks/*.ipynb by name, numbers compared as numbers (2 before 10)."""
    key = lambda p: [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", p.name)]
    return sorted((p for p in Path(folder).glob("*.ipynb") if not p.name.startswith(".")), key=key)


def execute(source, target):
    """Runs every cell of `source` with the .NET kernel, from the notebook's folder (so relative #r
    paths resolve), writes the result to `target` and returns it. Raises HandoutError on any error."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    kernel_log = Path(target).with_suffix(".kernel.log")
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        nb = nbformat.read(source, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT,
            startup_timeout=180,
            allow_errors=False,
            resources={"metadata": {"path": str(Path(source).parent)}},
        )
        try:
            # The kernel logs its web host's start and stop; keep that out of the build's output.
            with open(kernel_log, "w", encoding="utf-8") as log:
                client.execute(stdout=log, stderr=subprocess.STDOUT)
            break
        except (CellExecutionError, CellTimeoutError) as error:
            nbformat.write(nb, target)
            raise HandoutError(f"{Path(source).name}: a cell failed (partial output in {target}, kernel log in {kernel_log}):\n"
                               f"{error}{_stderr_of_failed_cell(nb)}") from None
        except (DeadKernelError, RuntimeError) as error:
            log_text = kernel_log.read_text(encoding="utf-8", errors="replace")
            # Kernels started at the same moment can pick the same port for their web host (2048-3000);
            # the loser dies before running anything, so starting it again is safe.
            if "AddressInUseException" in log_text and attempt < KERNEL_START_ATTEMPTS:
                print(f"handouts:   the kernel lost a port race; starting it again ({attempt + 1}/{KERNEL_START_ATTEMPTS})", flush=True)
                time.sleep(random.uniform(1, 5))
                continue
            nbformat.write(nb, target)
            raise HandoutError(f"{Path(source).name}: the kernel died ({type(error).__name__}: {error}); "
                               f"last lines of {kernel_log}:\n" + "\n".join(log_text.splitlines()[-15:])) from None
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        raise HandoutError(f"{Path(source).name}: {len(errors)} error output(s), first: {errors[0].get('ename')}: {errors[0].get('evalue')}")
    nbformat.write(nb, target)
    return nb


def _stderr_of_failed_cell(nb):
    """The kernel reports compiler diagnostics (error CS0029 ...) on stderr, not in the error itself."""
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if any(o.get("output_type") == "error" for o in outputs):
            text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
            return "\n" + text.strip() if text.strip() else ""
    return ""


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
    """A copy for export: C# language_info (so code cells get C# highlighting) and no kernel bootstrap outputs."""
    nb = copy.deepcopy(nb)
    nb.metadata["language_info"] = dict(CSHARP_LANGUAGE_INFO)
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
    exporter = HTMLExporter(
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
    match = re.search(r"(@import\s+|url\(\s*['\"]?)((https?:)?//[^'\")\s]+)", css, re.IGNORECASE)
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
    if PLOTLY_CDN_NOTE in text:
        problems.append("a chart fell back to the CDN: the local plotly.js was missing when the notebook ran (run .ci/setup)")
    return problems


def chart_count(text):
    return text.count(CHART_MARKER)


def print_pdf(html_path, pdf_path):
    """Prints a handout with headless Chromium; its narrow window keeps charts within the page."""
    with tempfile.TemporaryDirectory(prefix="handout-chromium-") as profile:
        command = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--window-size=700,1000", "--virtual-time-budget=20000",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", Path(html_path).resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not Path(pdf_path).exists() or Path(pdf_path).stat().st_size == 0:
        raise HandoutError(f"chromium could not print {html_path}:\n{result.stderr[-2000:]}")


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Neural Nets from the Foundations, in C#: handouts</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
  ul.chapters {{ list-style: none; padding-left: 0; }}
  ul.chapters li {{ margin: 0.4em 0; }}
  .pdf {{ font-size: 90%; color: #666; }}
  a {{ color: #1f5fa8; }}
</style>
</head>
<body>
<h1>Neural Nets from the Foundations, in C#</h1>
<p>Handouts: each chapter run from top to bottom, with its charts. The files open from disk and need no network.</p>
<ul class="chapters">
{items}
</ul>
</body>
</html>
"""


def write_index(chapters, target):
    """chapters: (title, html file name, pdf file name or None) in course order."""
    items = []
    for title, html_name, pdf_name in chapters:
        item = f'  <li><a class="chapter" href="{html.escape(html_name)}">{html.escape(title)}</a>'
        if pdf_name:
            item += f' <span class="pdf">(<a href="{html.escape(pdf_name)}">PDF</a>)</span>'
        items.append(item + "</li>")
    Path(target).write_text(INDEX_TEMPLATE.format(items="\n".join(items)), encoding="utf-8")


def build(notebooks_dir, out_dir, pdf=True):
    notebooks = notebooks_in_order(notebooks_dir)
    if not notebooks:
        raise HandoutError(f"no notebooks in {notebooks_dir}")
    executed_dir, handouts_dir = Path(out_dir) / "executed", Path(out_dir) / "handouts"
    for folder in (executed_dir, handouts_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    chapters = []
    for number, source in enumerate(notebooks, 1):
        print(f"handouts: [{number}/{len(notebooks)}] executing {source.name}", flush=True)
        nb = execute(source, executed_dir / source.name)
        title = chapter_title(nb, source.stem)
        html_path = handouts_dir / (source.stem + ".html")
        text = export_html(prepare_for_export(nb), title, html_path)
        problems = check_offline(text)
        if problems:
            raise HandoutError(f"{html_path} would not work offline:\n  " + "\n  ".join(problems))
        size = html_path.stat().st_size / 1e6
        print(f"handouts:   {html_path.name}: \"{title}\", {chart_count(text)} chart(s), {size:.1f} MB", flush=True)
        pdf_name = None
        if pdf:
            pdf_path = html_path.with_suffix(".pdf")
            print_pdf(html_path, pdf_path)
            pdf_name = pdf_path.name
            print(f"handouts:   {pdf_name}: {pdf_path.stat().st_size / 1e6:.1f} MB", flush=True)
        chapters.append((title, html_path.name, pdf_name))
    write_index(chapters, handouts_dir / "index.html")
    print(f"handouts: wrote {len(chapters)} chapter(s) and {handouts_dir / 'index.html'}", flush=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="execute the notebooks and export handouts")
    build_command.add_argument("--notebooks", default=str(REPO / "notebooks"))
    build_command.add_argument("--out", default=str(REPO / "build"))
    build_command.add_argument("--no-pdf", action="store_true")
    check_command = commands.add_parser("check", help="check exported pages for network use")
    check_command.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.notebooks, args.out, pdf=not args.no_pdf)
        else:
            failed = False
            for name in args.files:
                problems = check_offline(Path(name).read_text(encoding="utf-8"))
                for problem in problems:
                    print(f"{name}: {problem}")
                failed |= bool(problems)
            if failed:
                return 1
    except HandoutError as error:
        print(f"handouts: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
