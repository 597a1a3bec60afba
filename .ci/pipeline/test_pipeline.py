#!/usr/bin/python3
"""Unit tests of the notebook pipeline's own logic, on hand-made notebooks (no kernel, no browser).
Run by .ci/test, which counts them in its summary:  /usr/bin/python3 .ci/pipeline/test_pipeline.py"""

import json
import subprocess
import sys
import tempfile
import unittest
import unittest.mock
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline  # noqa: E402

BOOTSTRAP = {"output_type": "display_data", "metadata": {},
             "data": {"text/html": "<div id='dotnet-interactive-this-cell-1'></div><script>probeAddresses(['http://127.0.0.1:2051/'])</script>"}}


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def result(count, text):
    return {"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": {"text/plain": text}}


def notebook(*cells):
    """cells: (source, outputs, tags) for code cells, or a str for a markdown cell."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
            continue
        source, outputs, tags = cell
        code = nbformat.v4.new_code_cell(source)
        code.outputs = [nbformat.from_dict(o) for o in outputs]
        if tags:
            code.metadata["tags"] = list(tags)
        nb.cells.append(code)
    return nb


class CompareTests(unittest.TestCase):
    def test_identical_runs_have_no_differences(self):
        a = notebook("# Title", ("var x = 1;", [stream("1\n")], []))
        self.assertEqual([], pipeline.compare(a, notebook("# Title", ("var x = 1;", [stream("1\n")], []))))

    def test_a_different_output_names_the_cell_its_first_line_and_both_values(self):
        a = notebook(("#!import setup.dib", [], ["setup"]), ("// a comment\nTensor.Randn(2)", [result(2, "tensor([0.1])")], []))
        b = notebook(("#!import setup.dib", [], ["setup"]), ("// a comment\nTensor.Randn(2)", [result(2, "tensor([0.2])")], []))
        [difference] = pipeline.compare(a, b)
        self.assertEqual(2, difference["cell"])
        self.assertEqual("Tensor.Randn(2)", difference["first_line"])
        self.assertIn("tensor([0.1])", difference["diff"])
        self.assertIn("tensor([0.2])", difference["diff"])

    def test_only_cells_tagged_timing_may_differ(self):
        a = notebook(("Time()", [stream("2.6 ms\n")], ["timing"]), ("Time()", [stream("2.6 ms\n")], []))
        b = notebook(("Time()", [stream("3.1 ms\n")], ["timing"]), ("Time()", [stream("3.1 ms\n")], []))
        self.assertEqual([2], [d["cell"] for d in pipeline.compare(a, b)])
        self.assertEqual(pipeline.without_timing_outputs(a).count("2.6 ms"), 1)

    def test_a_different_execution_count_or_missing_output_is_a_difference(self):
        a = notebook(("x", [result(1, "1")], []), ("y", [stream("y\n")], []))
        b = notebook(("x", [result(2, "1")], []), ("y", [], []))
        self.assertEqual([1, 2], [d["cell"] for d in pipeline.compare(a, b)])

    def test_runs_of_different_sources_are_reported_as_such(self):
        [difference] = pipeline.compare(notebook(("x", [], [])), notebook(("y", [], [])))
        self.assertIn("different versions", difference["diff"])


class ExportTests(unittest.TestCase):
    def test_the_export_drops_the_setup_cell_and_the_kernel_bootstrap(self):
        nb = notebook("# Chapter 9 — *Tests*", ("#!import setup.dib", [BOOTSTRAP, stream("Library found\n")], ["setup"]),
                      ("var x = 1;", [BOOTSTRAP, stream("1\n")], []))
        exported = pipeline.prepare_for_export(nb)
        self.assertEqual(["markdown", "code"], [c.cell_type for c in exported.cells])
        self.assertEqual([stream("1\n")], exported.cells[1].outputs)
        self.assertEqual("C#", exported.metadata["language_info"]["name"])
        self.assertEqual(3, len(nb.cells), "the executed notebook itself keeps its set-up cell")

    def test_the_export_drops_each_charts_cdn_fallback(self):
        script = ("<div class=\"foundations-chart\"></div><script>/* foundations-cdn-fallback: begin */\nvar url = \"https://cdn.plot.ly/plotly-basic-4.1.1.min.js\";"
                  "\n/* foundations-cdn-fallback: end */\ndraw();</script>")
        chart = {"output_type": "display_data", "metadata": {}, "data": {"text/html": script}}
        exported = pipeline.prepare_for_export(notebook(("c", [chart], [])))
        html = exported.cells[0].outputs[0]["data"]["text/html"]
        self.assertNotIn("cdn.plot.ly", html)
        self.assertIn("draw();", html)
        self.assertIn(pipeline.CDN_FALLBACK_OFFLINE, html)
        self.assertTrue(any("cdn.plot.ly/plotly-basic-4.1.1.min.js" in p for p in pipeline.check_offline(script)))
        self.assertEqual([], pipeline.check_offline('<script>var topojsonURL = "https://cdn.plot.ly/";</script>'),
                         "plotly.js's own map-data address is not a fallback")

    def test_each_line_of_exported_code_is_its_own_span_for_the_hanging_indent(self):
        nb = notebook("# T", ("var a = 1;\nvar b = 2;", [], []))
        nb.metadata["language_info"] = {"name": "C#"}
        with tempfile.TemporaryDirectory() as folder:
            html = pipeline.export_html(pipeline.prepare_for_export(nb), "T", Path(folder, "t.html"))
        self.assertIn('id="code-line-1"', html)
        self.assertIn('id="code-line-2"', html)
        self.assertIn('span[id^="code-line-"]', html, "the stylesheet that indents wrapped lines is inlined")

    def test_strip_kernel_bootstrap_keeps_other_html(self):
        chart = {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<div class=\"foundations-chart\"></div>"}}
        nb = pipeline.strip_kernel_bootstrap(notebook(("c", [BOOTSTRAP, chart], [])))
        self.assertEqual([chart], nb.cells[0].outputs)

    def test_chapter_title_is_the_first_heading_without_emphasis(self):
        self.assertEqual("Chapter 9 — Tests", pipeline.chapter_title(notebook("intro", "## Chapter 9 — *Tests*"), "fallback"))
        self.assertEqual("fallback", pipeline.chapter_title(notebook(("x", [], [])), "fallback"))

    def test_offline_check_flags_network_loads_and_a_missing_or_repeated_plotly(self):
        chart = '<div class="foundations-chart"></div>'
        embed = "/* plotly.js 4.1.1, sent once per kernel session by Foundations.Interactive */"
        self.assertEqual([], pipeline.check_offline(embed + chart + chart))
        self.assertTrue(any("embedded 0 times" in p for p in pipeline.check_offline(chart)))
        self.assertTrue(any("embedded 2 times" in p for p in pipeline.check_offline(embed + embed + chart)))
        self.assertTrue(any("https://cdn.example/x.js" in p for p in pipeline.check_offline('<script src="https://cdn.example/x.js"></script>')))
        self.assertTrue(any("//fonts.example/a.css" in p for p in pipeline.check_offline('<style>@import "//fonts.example/a.css";</style>')))


class MessageTests(unittest.TestCase):
    def test_a_failing_cell_is_named_by_number_and_first_code_line_with_its_diagnostics(self):
        error = {"output_type": "error", "ename": "Error", "evalue": "compilation error", "traceback": []}
        nb = notebook("# T", ("#!import setup.dib", [], ["setup"]),
                      ("// checks the sum\nCheck.TestClose(s, 3.0);", [stream("(1,1): error CS0103: The name 's' does not exist\n", "stderr"), error], []))
        message = pipeline.failing_cell_message(nb, RuntimeError("x"))
        self.assertIn("code cell 2 (`Check.TestClose(s, 3.0);`)", message)
        self.assertIn("error CS0103", message)
        self.assertIn("compilation error", message)

    def test_a_dead_kernel_shows_the_line_with_the_cause_before_the_tail(self):
        log = "\n".join(["info: starting"] + ["Process terminated. Stack overflow."] + [f"   at Frame{i}()" for i in range(40)])
        message = pipeline.kernel_death_cause(log, "k.log")
        self.assertIn("cause, from the kernel log:\n  Process terminated. Stack overflow.", message)
        self.assertIn("at Frame39()", message)
        self.assertNotIn("Frame0()", message)

    def test_a_failed_setup_is_found_although_the_kernel_reports_it_as_text(self):
        failed = notebook(("#!import setup.dib", [stream("(3,1): error CS0006: Metadata file '../src/Foundations.dll' could not be found\n", "stderr")], ["setup"]),
                          ("var x = 1;", [], []))
        self.assertIn("the set-up cell (code cell 1) failed: error CS0006", pipeline.setup_failure(failed))
        missing = notebook(("#!import setup.dib", [stream("Missing from ../src/bin: Foundations.dll. There is no ../src/Foundations.Interactive to build them from.\n\n"
                                                          "The set-up did not complete: run the first cell again after opening this notebook from notebooks/.\n")], ["setup"]))
        self.assertIn("failed: Missing from ../src/bin: Foundations.dll.", pipeline.setup_failure(missing))
        fine = notebook(("#!import setup.dib", [stream("Library found\n")], ["setup"]), ("error CS0103 in a later cell is its own error", [stream("error CS0103\n")], []))
        self.assertIsNone(pipeline.setup_failure(fine))

    def test_notebooks_are_ordered_by_number(self):
        with tempfile.TemporaryDirectory() as folder:
            for name in ("10_ten.ipynb", "02_two.ipynb", "01_one.ipynb", ".hidden.ipynb", "setup.dib"):
                Path(folder, name).write_text("{}")
            self.assertEqual(["01_one.ipynb", "02_two.ipynb", "10_ten.ipynb"], [p.name for p in pipeline.notebooks_in_order(folder)])


class EditionTests(unittest.TestCase):
    """One source, two editions: the learner's never holds a solution, the instructor's never a stub."""

    SOURCE = notebook("# Chapter 9", ("#!import setup.dib", [], ["setup"]),
                      "### Exercise 9.1: add",
                      ("int Add(int a, int b) => throw new NotImplementedException();", [], ["exercise"]),
                      ("int Add(int a, int b) => a + b;", [], ["solution"]),
                      ("Chapter9.CheckAdd(Add)", [], ["check"]),
                      "## Questionnaire\n1. Why?")
    SOURCE.cells.append(nbformat.v4.new_markdown_cell("### Answers\n1. Because.", metadata={"tags": ["solution"]}))

    def sources(self, nb):
        return [c.source for c in nb.cells]

    def test_the_learners_edition_keeps_the_stub_and_drops_every_solution(self):
        learner = pipeline.edition(self.SOURCE, "learner")
        self.assertIn("int Add(int a, int b) => throw new NotImplementedException();", self.sources(learner))
        self.assertNotIn("int Add(int a, int b) => a + b;", self.sources(learner))
        self.assertNotIn("### Answers\n1. Because.", self.sources(learner))
        self.assertIn("Chapter9.CheckAdd(Add)", self.sources(learner))
        self.assertEqual({"edition": "learner"}, learner.metadata["foundations"])

    def test_the_instructors_edition_has_the_solutions_in_place_of_the_stubs(self):
        instructor = pipeline.edition(self.SOURCE, "instructor")
        self.assertNotIn("int Add(int a, int b) => throw new NotImplementedException();", self.sources(instructor))
        self.assertIn("int Add(int a, int b) => a + b;", self.sources(instructor))
        self.assertIn("### Answers\n1. Because.", self.sources(instructor))
        self.assertEqual(len(self.SOURCE.cells) - 1, len(instructor.cells))
        self.assertEqual(8, len(self.SOURCE.cells), "the source itself is left as it was")

    def test_an_unknown_edition_is_refused(self):
        with self.assertRaises(pipeline.PipelineError):
            pipeline.edition(self.SOURCE, "student")

    def test_check_results_are_read_from_text_or_html_and_judged_per_edition(self):
        html = {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<div><strong>Exercise 9.1: correct</strong></div>"}}
        nb = notebook(("a", [html], ["check"]), ("b", [result(3, "Exercise 9.2: not attempted yet\nReplace the placeholder")], ["check"]),
                      ("c", [stream("Exercise 9.3: not right yet\n")], ["check"]), ("d", [], ["check"]), ("e", [html], []))
        results = pipeline.exercise_results(nb)
        self.assertEqual([("9.1", "correct"), ("9.2", "not attempted yet"), ("9.3", "not right yet"), (None, None)],
                         [(r["exercise"], r["status"]) for r in results])
        self.assertEqual([1, 2, 3, 4], [r["cell"] for r in results])
        instructor = pipeline.exercise_problems(results, "instructor")
        self.assertEqual(3, len(instructor))
        self.assertIn('exercise 9.2 says "not attempted yet" in the instructor\'s edition, expected "correct"', instructor[0])
        self.assertIn("code cell 4: no exercise result", instructor[2])
        self.assertEqual(3, len(pipeline.exercise_problems(results, "learner")))

    def test_an_edition_folder_gets_a_setup_with_its_own_way_to_the_library(self):
        with tempfile.TemporaryDirectory() as folder:
            notebooks = Path(folder, "notebooks")
            notebooks.mkdir()
            Path(notebooks, "setup.dib").write_text('#r "../src/Lib.dll"\nconst string L = "../src/bin";\n')
            edition_folder = Path(folder, "build", "editions", "learner")
            edition_folder.mkdir(parents=True)
            pipeline.write_edition_setup(notebooks, edition_folder)
            text = Path(edition_folder, "setup.dib").read_text()
            self.assertEqual('#r "../../../src/Lib.dll"\nconst string L = "../../../src/bin";\n', text)
            self.assertTrue(Path(edition_folder, "../../../src").resolve() == Path(folder, "src").resolve())


class FakeKernelBuild:
    """A repository in a temporary folder (git, with build/ ignored as in the real one, a library
    under src/, a test project and a README) whose notebooks a stand-in for the kernel runs."""

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.notebooks = self.folder / "notebooks" / "instructor"
        self.notebooks.mkdir(parents=True)
        for name, text in (("01_a.ipynb", "one"), ("02_b.ipynb", "two")):
            nb = notebook(f"# Chapter {text}", (f"Console.WriteLine(\"{text}\");", [], []),
                          ("throw new NotImplementedException();", [], ["exercise"]), ("Solve();", [], ["solution"]), ("Check()", [], ["check"]))
            nbformat.write(nb, self.notebooks / name)
        Path(self.notebooks, "setup.dib").write_text('#r "../../src/Foundations.dll"\n')
        for name, text in (("src/Foundations/Tensor.cs", "class Tensor {}"), ("src/Foundations.Tests/TensorTests.cs", "class TensorTests {}"),
                           ("src/Foundations.Benchmarks/Gemm.cs", "class Gemm {}"), ("README.md", "# Course"), (".gitignore", "build/\n")):
            Path(self.folder, name).parent.mkdir(parents=True, exist_ok=True)
            Path(self.folder, name).write_text(text)
        subprocess.run(["git", "init", "-q", str(self.folder)], check=True)
        self.out = self.folder / "build"
        # The run with other seeds is tested on its own (OtherSeedsTests); the counts below are without it.
        self.settings = unittest.mock.patch.dict(pipeline.SETTINGS, {"seedShift": 0})
        self.settings.start()

    def tearDown(self):
        import shutil
        self.settings.stop()
        shutil.rmtree(self.folder)

    def fake_kernel(self, fail=None, vary=None, wrong=None):
        """Runs a notebook by writing its first code cell's source as its output, and for a check the
        status its edition expects (or the other one for the notebook named by wrong)."""
        runs = {}

        def execute(source, target):
            nb = nbformat.read(source, as_version=4)
            which = nb.metadata["foundations"]["edition"]
            key = (source.name, which)
            runs[key] = runs.get(key, 0) + 1
            if source.name == fail:
                raise pipeline.PipelineError(f"{source.name}: code cell 1 failed")
            self.assertTrue(Path(source.parent, "setup.dib").exists(), "each edition folder has its setup.dib")
            text = nb.cells[1].source + (f" run {runs[key]}" if source.name == vary else "")
            nb.cells[1].outputs = [nbformat.from_dict(stream(text + "\n"))]
            status = pipeline.EXPECTED_EXERCISE_STATUS[which if source.name != wrong else ("learner" if which == "instructor" else "instructor")]
            for cell in nb.cells:
                if "check" in cell.metadata.get("tags", []):
                    cell.outputs = [nbformat.from_dict(stream(f"Exercise 1.1: {status}\n"))]
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
            return nb
        execute.runs = runs
        return execute

    def build(self, **kernel):
        self.kernel = self.fake_kernel(**kernel)
        return pipeline.build(self.notebooks, self.out, pdf=False, execute_notebook=self.kernel, repo=self.folder)

    def build_or_reuse(self, **kernel):
        self.kernel = self.fake_kernel(**kernel)
        return pipeline.build_or_reuse(self.notebooks, self.out, pdf=False, execute_notebook=self.kernel, repo=self.folder)

    def runs_per_build(self):
        return 2 * (pipeline.SETTINGS["learnerExecutions"] + pipeline.SETTINGS["executionsPerNotebook"])

    def inputs_hash(self):
        return pipeline.inputs_hash(self.notebooks, False, self.folder)


class BuildTests(FakeKernelBuild, unittest.TestCase):
    """The build with a stand-in for the kernel: the report, and the swap that keeps good handouts."""

    def test_a_clean_build_writes_both_editions_handouts_index_and_report(self):
        report = self.build()
        self.assertTrue(report["ok"], report)
        self.assertEqual([("01_a.ipynb", "learner"), ("01_a.ipynb", "instructor"), ("02_b.ipynb", "learner"), ("02_b.ipynb", "instructor")],
                         [(n["name"], n["edition"]) for n in report["notebooks"]])
        learner, instructor = pipeline.SETTINGS["learnerExecutions"], pipeline.SETTINGS["executionsPerNotebook"]
        self.assertEqual([learner, instructor, learner, instructor], [len(n["seconds"]) for n in report["notebooks"]], "each edition runs as often as the settings say")
        self.assertEqual({("01_a.ipynb", "learner"): learner, ("01_a.ipynb", "instructor"): instructor,
                          ("02_b.ipynb", "learner"): learner, ("02_b.ipynb", "instructor"): instructor}, self.kernel.runs)
        for which in ("learner", "instructor"):
            self.assertTrue((self.out / "handouts" / which / "01_a.html").exists())
            self.assertTrue((self.out / "executed" / which / "02_b.ipynb").exists())
            self.assertEqual('#r "../../../src/Foundations.dll"\n', (self.out / "editions" / which / "setup.dib").read_text(),
                             "after the swap the editions' setup.dib points at src/ from build/editions/<edition>")
        learner = nbformat.read(self.out / "editions" / "learner" / "01_a.ipynb", as_version=4)
        self.assertNotIn("Solve();", [c.source for c in learner.cells])
        index = (self.out / "handouts" / "index.html").read_text()
        self.assertIn('href="learner/01_a.html"', index)
        self.assertIn('href="instructor/02_b.html"', index)
        self.assertEqual([{"cell": 3, "exercise": "1.1", "status": "correct"}], report["notebooks"][1]["exercises"])
        self.assertEqual(report, json.loads((self.out / pipeline.SETTINGS["report"]).read_text()))
        self.assertEqual(sorted(["handouts", "executed", "editions", "committed", pipeline.SETTINGS["report"]]), sorted(p.name for p in self.out.iterdir()))
        self.assertFalse(any(p.name.startswith(".staging") for p in self.out.iterdir()))

    def test_a_failing_notebook_keeps_the_previous_handouts_and_is_reported(self):
        self.build()
        before = (self.out / "handouts" / "learner" / "01_a.html").read_text()
        report = self.build(fail="02_b.ipynb")
        self.assertFalse(report["ok"])
        self.assertIn("code cell 1 failed", report["notebooks"][2]["error"])
        self.assertIsNone(report["notebooks"][0]["error"])
        self.assertEqual(before, (self.out / "handouts" / "learner" / "01_a.html").read_text())
        self.assertTrue((self.out / "handouts" / "instructor" / "02_b.html").exists(), "the previous good handout of the failing chapter stays")
        self.assertTrue((self.out / "failed").is_dir())

    def test_a_check_that_says_the_wrong_thing_for_its_edition_fails_the_build(self):
        report = self.build(wrong="02_b.ipynb")
        self.assertFalse(report["ok"])
        self.assertEqual([], report["notebooks"][0]["exercise_problems"])
        self.assertIn('says "correct" in the learner\'s edition, expected "not attempted yet"', report["notebooks"][2]["exercise_problems"][0])
        self.assertIn('says "not attempted yet" in the instructor\'s edition, expected "correct"', report["notebooks"][3]["exercise_problems"][0])
        self.assertIn("02_b.ipynb (learner's edition)", report["error"])
        self.assertFalse((self.out / "handouts").exists())

    def test_runs_that_differ_fail_the_build_and_name_the_cell(self):
        # The settings run each edition once (the live front end makes the second run); with more
        # runs the pipeline compares them.
        with unittest.mock.patch.dict(pipeline.SETTINGS, executionsPerNotebook=2):
            report = self.build(vary="01_a.ipynb")
        self.assertFalse(report["ok"])
        [difference] = report["notebooks"][1]["differences"]
        self.assertEqual(1, difference["cell"])
        self.assertIn("run 2", difference["diff"])
        self.assertFalse((self.out / "handouts").exists())

    def test_no_notebooks_is_an_error(self):
        for p in self.notebooks.iterdir():
            p.unlink()
        report = self.build()
        self.assertFalse(report["ok"])
        self.assertIn("no notebooks", report["error"])


class ReuseTests(FakeKernelBuild, unittest.TestCase):
    """.ci/test reuses the outputs of .ci/handouts only when they are complete, succeeded, and were
    built from inputs with the hash the repository has now."""

    def test_the_hash_changes_when_a_notebook_or_the_setup_changes(self):
        before = self.inputs_hash()
        self.assertEqual(before, self.inputs_hash(), "the hash of unchanged inputs is stable")
        nb = nbformat.read(self.notebooks / "01_a.ipynb", as_version=4)
        nb.cells[1].source += " // edited"
        nbformat.write(nb, self.notebooks / "01_a.ipynb")
        after_notebook = self.inputs_hash()
        self.assertNotEqual(before, after_notebook)
        Path(self.notebooks, "setup.dib").write_text('#r "../src/Foundations.dll"\n// edited\n')
        self.assertNotEqual(after_notebook, self.inputs_hash())

    def test_the_hash_changes_when_a_src_file_changes_or_a_new_project_appears(self):
        before = self.inputs_hash()
        Path(self.folder, "src/Foundations/Tensor.cs").write_text("class Tensor { int changed; }")
        edited = self.inputs_hash()
        self.assertNotEqual(before, edited)
        Path(self.folder, "src/Foundations.Engine").mkdir()
        Path(self.folder, "src/Foundations.Engine/Engine.cs").write_text("class Engine {}")
        self.assertNotEqual(edited, self.inputs_hash(), "a new, not yet committed project under src/ is an input")

    def test_the_hash_changes_when_a_tracked_input_is_deleted(self):
        subprocess.run(["git", "-C", str(self.folder), "add", "-A"], check=True)
        before = self.inputs_hash()
        Path(self.folder, "src/Foundations/Tensor.cs").unlink()
        self.assertNotEqual(before, self.inputs_hash())

    def test_tests_benchmarks_docs_and_the_build_folder_are_not_inputs(self):
        before = self.inputs_hash()
        Path(self.folder, "src/Foundations.Tests/TensorTests.cs").write_text("class TensorTests { int more; }")
        Path(self.folder, "src/Foundations.Benchmarks/Gemm.cs").write_text("class Gemm { int more; }")
        Path(self.folder, "README.md").write_text("# Course, edited")
        Path(self.folder, ".github/workflows").mkdir(parents=True)
        Path(self.folder, ".github/workflows/ci.yml").write_text("on: push\n")
        Path(self.folder, ".ci").mkdir(exist_ok=True)
        Path(self.folder, ".ci/lint-workflows.mjs").write_text("// lint\n")
        (self.out / "executed").mkdir(parents=True)
        (self.out / "executed" / "01_a.ipynb").write_text("{}")
        self.assertEqual(before, self.inputs_hash())
        self.assertIn("src/Foundations/Tensor.cs", pipeline.input_files(self.folder))
        self.assertFalse(any(n.startswith("build/") for n in pipeline.input_files(self.folder)))

    def test_the_hash_depends_on_the_options(self):
        self.assertNotEqual(pipeline.inputs_hash(self.notebooks, False, self.folder), pipeline.inputs_hash(self.notebooks, True, self.folder))

    def test_a_successful_build_is_reused_without_running_anything(self):
        first = self.build()
        self.assertTrue(first["ok"], first)
        self.assertEqual(self.inputs_hash(), first["inputs"]["hash"])
        again = self.build_or_reuse()
        self.assertEqual({}, self.kernel.runs, "nothing was executed")
        self.assertEqual(first, again)

    def test_reuse_is_refused_after_a_failed_run(self):
        self.build()
        failed = self.build(fail="02_b.ipynb")
        self.assertFalse(failed["ok"])
        self.assertTrue((self.out / "handouts" / "learner" / "01_a.html").exists(), "the previous handouts are still there")
        self.assertEqual("the last build failed", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))
        rebuilt = self.build_or_reuse()
        self.assertTrue(rebuilt["ok"])
        self.assertEqual(self.runs_per_build(), sum(self.kernel.runs.values()), "everything ran again")

    def test_reuse_is_refused_after_a_check_said_the_wrong_thing(self):
        self.build(wrong="01_a.ipynb")
        self.assertEqual("the last build failed", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))

    def test_reuse_is_refused_when_a_notebook_or_a_src_file_changed(self):
        self.build()
        Path(self.folder, "src/Foundations/Tensor.cs").write_text("class Tensor { int changed; }")
        self.assertEqual("the inputs changed since the last build", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))
        self.build_or_reuse()
        self.assertEqual(self.runs_per_build(), sum(self.kernel.runs.values()))
        self.assertEqual(self.inputs_hash(), json.loads((self.out / pipeline.SETTINGS["report"]).read_text())["inputs"]["hash"])
        nbformat.write(notebook("# Chapter three", ("x", [], []), ("Check()", [], ["check"])), self.notebooks / "03_c.ipynb")
        self.assertEqual("the inputs changed since the last build", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))

    def test_reuse_is_refused_when_an_output_is_missing_or_empty(self):
        self.build()
        current = self.inputs_hash()
        self.assertIsNone(pipeline.reuse_refusal(self.notebooks, self.out, False, current))
        executed = self.out / "executed" / "instructor" / "02_b.ipynb"
        kept = executed.read_bytes()
        executed.unlink()
        self.assertIn("missing or empty, e.g. executed/instructor/02_b.ipynb", pipeline.reuse_refusal(self.notebooks, self.out, False, current))
        executed.write_bytes(kept)
        handout = self.out / "handouts" / "learner" / "01_a.html"
        kept = handout.read_bytes()
        handout.write_text("")
        self.assertIn("missing or empty", pipeline.reuse_refusal(self.notebooks, self.out, False, current))
        handout.write_bytes(kept)
        self.assertIsNone(pipeline.reuse_refusal(self.notebooks, self.out, False, current))
        self.assertIsNotNone(pipeline.reuse_refusal(self.notebooks, self.out, True, pipeline.inputs_hash(self.notebooks, True, self.folder)),
                             "a build without PDFs cannot stand for one with them")
        self.assertIn("missing or empty", pipeline.reuse_refusal(self.notebooks, self.out, True, current), "nor could its report, if the hash matched")

    def test_the_public_site_has_the_learners_handouts_only(self):
        self.build()
        site = self.folder / "site"
        self.assertEqual(2, pipeline.write_pages(self.out, site))
        self.assertTrue((site / "learner" / "01_a.html").exists())
        self.assertFalse((site / "instructor").exists())
        index = (site / "index.html").read_text()
        self.assertIn('href="learner/02_b.html"', index)
        self.assertNotIn("instructor", index)

    def test_a_build_killed_half_way_leaves_nothing_to_reuse(self):
        self.build()

        def killed(source, target):
            raise KeyboardInterrupt
        with self.assertRaises(KeyboardInterrupt):
            pipeline.build(self.notebooks, self.out, pdf=False, execute_notebook=killed, repo=self.folder)
        self.assertIn("no finished build", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))

    def test_a_report_without_a_hash_or_without_git_is_not_reused(self):
        self.build()
        report_path = self.out / pipeline.SETTINGS["report"]
        report = json.loads(report_path.read_text())
        del report["inputs"]
        report_path.write_text(json.dumps(report))
        self.assertEqual("the last build recorded no inputs hash", pipeline.reuse_refusal(self.notebooks, self.out, False, self.inputs_hash()))
        self.assertIsNone(pipeline.input_files(Path(self.folder, "notebooks", "no-such-folder")))
        self.assertIn("could not be listed", pipeline.reuse_refusal(self.notebooks, self.out, False, None))


CHART_OUTPUT_HTML = ('<script>\n/* plotly.js 4.1.1, sent once per kernel session by Foundations.Interactive */\nif (!window.Plotly) (function () {\nvar big = 1;\n}).call(self);\n</script>\n'
                     '<div class="foundations-chart" style="width:100%;max-width:900px"><div class="foundations-chart-note" style="display:none"></div>'
                     '<div id="foundations-chart-0123456789abcdef" class="foundations-plot" style="width:100%;height:450px"></div></div>\n'
                     '<script>\n(function () {\n  var id = "foundations-chart-0123456789abcdef";\n  var data = [{"type":"scatter","x":[0,1],"y":[1,2]}];\n'
                     '  var layout = {"title":{"text":"loss \\u003c 1"}};\n})();\n</script>\n')


def chart_output():
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": CHART_OUTPUT_HTML}}


class OtherSeedsTests(FakeKernelBuild, unittest.TestCase):
    """Every chapter's instructor's edition runs once more with every seed moved, and its checks must hold."""

    def test_seeds_in_the_cells_and_the_setup_are_moved_and_nothing_else(self):
        text, changed = pipeline.shift_seeds("Tensor.ManualSeed(42);\nTensor.ManualSeed(7); // Seed 3\nMyTensor.ManualSeed(5);", 1000)
        self.assertEqual("Tensor.ManualSeed(1042);\nTensor.ManualSeed(1007); // Seed 3\nMyTensor.ManualSeed(5);", text)
        self.assertEqual(["42→1042", "7→1007"], changed)

    def test_the_instructors_edition_runs_again_with_other_seeds_and_a_check_that_fails_there_fails_the_build(self):
        Path(self.notebooks, "setup.dib").write_text('#r "../../src/Foundations.dll"\nTensor.ManualSeed(42);\n')
        kernel = self.fake_kernel()
        seen = []

        def execute(source, target):
            nb = kernel(source, target)
            shift = nb.metadata["foundations"].get("seedShift")
            if shift:
                seen.append((source.name, shift, Path(source.parent, "setup.dib").read_text()))
                if source.name == "02_b.ipynb":   # a check that holds for one seed only
                    for cell in nb.cells:
                        if "check" in cell.metadata.get("tags", []):
                            cell.outputs = [nbformat.from_dict(stream("Exercise 1.1: not right yet\n"))]
            return nb
        with unittest.mock.patch.dict(pipeline.SETTINGS, {"seedShift": 1000}):
            report = pipeline.build(self.notebooks, self.out, pdf=False, execute_notebook=execute, repo=self.folder)
        self.assertEqual(["01_a.ipynb", "02_b.ipynb"], [name for name, _, _ in seen])
        self.assertIn("Tensor.ManualSeed(1042);", seen[0][2])
        self.assertFalse(report["ok"])
        [instructor_b] = [n for n in report["notebooks"] if n["name"] == "02_b.ipynb" and n["edition"] == "instructor"]
        self.assertEqual(["setup.dib: 42→1042"], instructor_b["other_seeds"])
        self.assertIn('with every seed moved by 1000: code cell 3: exercise 1.1 says "not right yet"', instructor_b["exercise_problems"][0])


class CommittedCopyTests(unittest.TestCase):
    """The learner's notebooks as committed: pictures in place of plotly.js, hashes of what they were built from."""

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.source = self.folder / "01_a.ipynb"
        nbformat.write(notebook("# One", ("#!import setup.dib", [], ["setup"]), ("Chart()", [], []),
                                ("throw new NotImplementedException();", [], ["exercise"]),
                                ("var answer = Enumerable.Range(0, 10).Select(i => i * i).Sum(); // the solution", [], ["solution"])), self.source)
        self.executed = pipeline.edition(nbformat.read(self.source, as_version=4), "learner")
        self.executed.cells[1].outputs = [nbformat.from_dict(stream("Library found: ../../../src/x\n"))]
        self.executed.cells[2].outputs = [nbformat.from_dict(chart_output())]

    def tearDown(self):
        import shutil
        shutil.rmtree(self.folder)

    def committed(self, depends_on="abc"):
        specs = pipeline.chart_specs(self.executed)
        self.assertEqual([{"id": "foundations-chart-0123456789abcdef", "width": 900, "height": 450,
                           "data": '[{"type":"scatter","x":[0,1],"y":[1,2]}]', "layout": '{"title":{"text":"loss \\u003c 1"}}'}], specs)
        nb = pipeline.committed_copy(self.executed, self.source, ["<svg>picture</svg>"], depends_on, repo=self.folder)
        path = self.folder / "committed.ipynb"
        nbformat.write(nb, path)
        return nb, path

    def test_a_chart_keeps_its_script_loses_plotly_js_and_gains_its_picture(self):
        nb, _ = self.committed()
        text = pipeline._html_of(nb.cells[2].outputs[0])
        self.assertNotIn(pipeline.PLOTLY_EMBED_MARKER, text)
        self.assertIn('var data = [{"type":"scatter"', text, "the interactive chart is still drawn where scripts run")
        self.assertIn('<img class="foundations-picture" alt="chart: loss &lt; 1"', text)
        self.assertIn("data:image/svg+xml;base64,PHN2Zz5waWN0dXJlPC9zdmc+", text)
        self.assertEqual([], nb.cells[1].outputs, "the set-up's output names the build folder it ran in")
        self.assertEqual("01_a.ipynb", nb.metadata["foundations"]["committed"]["source"])

    def test_a_current_copy_has_no_problems(self):
        _, path = self.committed()
        self.assertEqual([], pipeline.committed_problems(path, self.source, "abc"))

    def test_a_copy_older_than_its_source_or_its_libraries_is_reported(self):
        _, path = self.committed()
        nb = nbformat.read(self.source, as_version=4)
        nb.cells[0].source = "# One, edited"
        nbformat.write(nb, self.source)
        problems = pipeline.committed_problems(path, self.source, "another")
        self.assertTrue(any("another version of 01_a.ipynb" in p for p in problems), problems)
        self.assertTrue(any("other versions of the libraries" in p for p in problems), problems)

    def test_a_chart_without_its_picture_a_solution_or_plotly_js_is_reported(self):
        nb, path = self.committed()
        nb.cells[2].outputs = [nbformat.from_dict(chart_output())]
        nb.cells.append(nbformat.v4.new_code_cell("var answer = Enumerable.Range(0, 10).Select(i => i * i).Sum(); // the solution"))
        nbformat.write(nb, path)
        problems = pipeline.committed_problems(path, self.source, "abc")
        self.assertTrue(any("1 chart(s) but 0 picture(s)" in p for p in problems), problems)
        self.assertTrue(any("embeds plotly.js" in p for p in problems), problems)
        self.assertTrue(any("text of 1 solution cell(s)" in p for p in problems), problems)
        nb.cells[-1].metadata["tags"] = ["solution"]
        nbformat.write(nb, path)
        self.assertTrue(any("tagged solution" in p for p in pipeline.committed_problems(path, self.source, "abc")))

    def test_publish_copies_what_changed_and_removes_notebooks_without_a_source(self):
        out, learner = self.folder / "build", self.folder / "notebooks"
        (out / pipeline.SETTINGS["committedDir"]).mkdir(parents=True)
        learner.mkdir()
        (out / pipeline.SETTINGS["committedDir"] / "01_a.ipynb").write_text("new")
        (learner / "01_a.ipynb").write_text("old")
        (learner / "09_gone.ipynb").write_text("old")
        changes = pipeline.publish(out, learner)
        self.assertEqual("new", (learner / "01_a.ipynb").read_text())
        self.assertFalse((learner / "09_gone.ipynb").exists())
        self.assertEqual(2, len(changes))
        self.assertEqual([], pipeline.publish(out, learner), "nothing to do the second time")


class RepositoryCommittedNotebooksTests(unittest.TestCase):
    """The repository itself: notebooks/*.ipynb stand for notebooks/instructor/*.ipynb as they are now."""

    def test_every_committed_learner_notebook_is_current_shows_every_chart_as_a_picture_and_no_solution(self):
        sources = pipeline.notebooks_in_order(pipeline.REPO / pipeline.SETTINGS["notebooksDir"])
        self.assertTrue(sources)
        depends_on = pipeline.committed_dependencies_hash()
        problems = [p for source in sources
                    for p in pipeline.committed_problems(pipeline.REPO / pipeline.SETTINGS["learnerDir"] / source.name, source, depends_on)]
        self.assertEqual([], problems)

    def test_the_instructors_setup_is_the_learners_one_folder_deeper(self):
        (pipeline.REPO / "build").mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=pipeline.REPO / "build") as folder:   # as deep as notebooks/instructor
            pipeline.write_edition_setup(pipeline.REPO / pipeline.SETTINGS["learnerDir"], folder)
            expected = Path(folder, "setup.dib").read_text(encoding="utf-8")
        self.assertEqual(expected, (pipeline.REPO / pipeline.SETTINGS["notebooksDir"] / "setup.dib").read_text(encoding="utf-8"),
                         "notebooks/instructor/setup.dib differs from notebooks/setup.dib beyond its paths: "
                         "run /usr/bin/python3 -c \"import sys; sys.path.insert(0, '.ci/pipeline'); import pipeline; pipeline.write_edition_setup('notebooks', 'notebooks/instructor')\"")


if __name__ == "__main__":
    # One summary line that .ci/test adds to its own: "pipeline tests: N passed, N failed".
    outcome = unittest.main(exit=False, verbosity=1).result
    failed = len(outcome.failures) + len(outcome.errors)
    print(f"pipeline tests: {outcome.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
