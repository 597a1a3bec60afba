using Course.Setup;

// The learner's set-up, on any machine with the .NET 10 SDK: dotnet run --project src/Course.Setup
// Restores the pinned kernel tool, registers its .NET (C#) kernelspec with telemetry off, and builds the
// library the notebooks load and the terminal runner. Idempotent. Exit code 0 when every step worked,
// 1 when one failed; each failure is named, with the tail of what the failing command printed.
Repository repository;
try
{
    repository = Repository.Find(AppContext.BaseDirectory);
}
catch (SetupException error)
{
    Console.Error.WriteLine($"setup: {error.Message}");
    return 1;
}

var root = repository.Root;
var dotnet = Command.Dotnet();
var problems = new List<string>();
// Every tool started here runs with the kernel's environment: telemetry off, no first-run banner.
CommandResult Dotnet(params string[] arguments) => Command.Run(dotnet, arguments, root, repository.KernelEnvironment);
void Say(string line) => Console.WriteLine($"setup: {line}");

var sdk = Dotnet("--version");
Say($".NET SDK {(sdk.Succeeded ? sdk.StandardOutput.Trim() : "(its version did not print)")} at {dotnet}, for {root}");

var restore = Dotnet("tool", "restore");
if (restore.Succeeded)
    Say($"kernel tool restored: {Repository.KernelToolId} {repository.KernelToolVersion} (.config/dotnet-tools.json)");
else
    problems.Add($"the kernel tool was not restored (dotnet tool restore, exit code {restore.ExitCode}; it comes from nuget.org, see nuget.config). "
        + $"The notebooks need it, the terminal runner does not:\n{restore.Tail()}");

var jupyter = Command.FindOnPath("jupyter");
var kernelspecFolder = (string?)null;
if (restore.Succeeded)
{
    try
    {
        kernelspecFolder = RegisterKernelspec();
        Say($"kernelspec: .NET (C#) in {kernelspecFolder} ({(jupyter is null ? "written there directly: Jupyter is not on PATH" : $"through {jupyter} kernelspec")}), HTTP ports {repository.KernelHttpPortRange}, telemetry off");
        if (jupyter is null)
            Say("Jupyter is not on PATH. VS Code's Jupyter extension does not need it (it reads the kernelspec above and starts the kernel itself); "
                + "Jupyter Notebook, JupyterLab and the handouts do: install Jupyter (for instance `python -m pip install jupyter`) and run this again. "
                + "The terminal runner needs neither Jupyter nor Python.");
    }
    catch (SetupException error)
    {
        problems.Add(error.Message);
    }
}
else
{
    Say("kernelspec: not registered, it needs the kernel tool");
}

var libraryBuilt = Build(Path.Combine("src", "Foundations.Interactive"), "the library the notebooks load");
// The runner is built on the library: when that failed, its build would only repeat the same errors.
var runnerBuilt = libraryBuilt && Build(Path.Combine("src", "Course.Runner"), "the terminal runner");
if (!libraryBuilt) Say("the terminal runner was not built: it needs the library");

if (problems.Count > 0)
{
    Console.Error.WriteLine($"setup: FAILED, {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
    foreach (var problem in problems) Console.Error.WriteLine($"  - {problem.Replace("\n", "\n    ")}");
}
else
{
    Say("done.");
}
if (libraryBuilt && kernelspecFolder is not null || runnerBuilt)
{
    Console.WriteLine();
    Console.WriteLine($"Next, in {root}:");
    if (libraryBuilt && kernelspecFolder is not null)
        Console.WriteLine("  - in VS Code with the Jupyter extension, open notebooks/01_neuron.ipynb, choose Select Kernel > Jupyter Kernel... > .NET (C#), then Run All;");
    if (runnerBuilt)
        Console.WriteLine($"  - {(libraryBuilt && kernelspecFolder is not null ? "or " : "")}run chapter 1 from a terminal: dotnet run --no-build --project src/Course.Runner -c Release -- notebooks/01_neuron.ipynb");
}
return problems.Count == 0 ? 0 : 1;

// The kernelspec that Jupyter front ends and VS Code's Jupyter extension start, with the HTTP port range
// CI uses (browsers refuse 2049, which the kernel's default 2048-3000 can take) and telemetry off
// wherever the kernel is started from. Returns its folder.
string RegisterKernelspec()
{
    string[] install = ["tool", "run", "dotnet-interactive", "jupyter", "install", "--http-port-range", repository.KernelHttpPortRange];
    string folder;
    if (jupyter is not null)
    {
        var installed = Dotnet(install);
        if (!installed.Succeeded)
            throw new SetupException($"dotnet-interactive jupyter install failed (exit code {installed.ExitCode}):\n{installed.Tail()}");
        var list = Command.Run(jupyter, ["kernelspec", "list", "--json"], root, repository.KernelEnvironment);
        folder = (list.Succeeded ? Kernelspec.ResourceDirectory(list.StandardOutput, repository.Kernel) : null)
            ?? throw new SetupException($"{jupyter} is on PATH, but `jupyter kernelspec list --json` does not list {repository.Kernel} "
                + $"(exit code {list.ExitCode}); Jupyter's jupyter-client package may be missing:\n{list.Tail()}");
    }
    else
    {
        var kernels = Kernelspec.UserKernelsFolder();
        try
        {
            Directory.CreateDirectory(kernels);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SetupException($"cannot create Jupyter's kernelspec folder {kernels}: {e.Message}");
        }
        var installed = Dotnet([.. install, "--path", kernels]);
        if (!installed.Succeeded)
            throw new SetupException($"dotnet-interactive jupyter install --path {kernels} failed (exit code {installed.ExitCode}):\n{installed.Tail()}");
        folder = Path.Combine(kernels, repository.Kernel);
    }
    var file = Path.Combine(folder, "kernel.json");
    try
    {
        File.WriteAllText(file, Kernelspec.WithEnvironment(File.ReadAllText(file), repository.KernelEnvironment));
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
    {
        throw new SetupException($"cannot add the telemetry-off environment to {file}: {e.Message}");
    }
    return folder;
}

bool Build(string project, string what)
{
    var build = Dotnet("build", project, "-c", "Release", "-nologo", "-v", "q");
    var shown = project.Replace('\\', '/');
    if (build.Succeeded)
    {
        Say($"built {what} ({shown}, Release)");
        return true;
    }
    // MSB3021/MSB3027: a file could not be copied over, on Windows because a running kernel has the DLL loaded.
    var locked = build.Output.Contains("MSB3027", StringComparison.Ordinal) || build.Output.Contains("MSB3021", StringComparison.Ordinal)
        ? " A running kernel keeps the library's DLLs locked on Windows: shut the notebook's kernel down, then run this again."
        : "";
    // MSBuild lists each error twice (as it happens and in the summary): show each once, or else the end of the output.
    var errors = build.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToList();
    var shownOutput = errors.Count > 0 ? string.Join(Environment.NewLine, errors.Take(20)) : build.Tail();
    problems.Add($"{what} did not build (dotnet build {shown} -c Release, exit code {build.ExitCode}).{locked} {(errors.Count > 0 ? "Its errors" : "The end of its output")}:\n{shownOutput}");
    return false;
}
