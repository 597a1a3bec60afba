using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Course.Runner;

/// <summary>
/// One kernel session: each submission continues the state of the previous one, as the .NET Interactive
/// C# kernel does, so a later cell sees earlier variables, may declare them again, and may declare types.
/// </summary>
public sealed class ScriptSession(KernelGlobals globals, CellOutput output)
{
    /// <summary>The namespaces the kernel imports into every C# cell.</summary>
    public static readonly string[] DefaultImports =
        ["System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    private ScriptOptions options = ScriptOptions.Default
        .WithReferences(ScriptReferences.Framework())
        .AddReferences(typeof(KernelGlobals).Assembly)
        .WithImports(DefaultImports)
        .WithOptimizationLevel(OptimizationLevel.Release)
        .WithAllowUnsafe(true)
        .WithEmitDebugInformation(true)
        .WithFileEncoding(Encoding.UTF8);

    private ScriptState<object>? state;

    /// <summary>The preprocessor symbol every submission sees, so that code can tell the runner from the kernel.</summary>
    public const string Symbol = "TERMINAL_RUNNER";

    /// <summary>Makes an assembly visible to the following submissions, as <c>#r</c> does.</summary>
    public void AddReference(MetadataReference reference) => options = options.AddReferences(reference);

    /// <summary>
    /// Runs <paramref name="code"/>; <paramref name="file"/> and <paramref name="firstLine"/> say where it
    /// came from, for diagnostics and stack traces. Shows the value of a final expression, if any.
    /// </summary>
    /// <exception cref="CompilationErrorException">The code did not compile.</exception>
    public void Run(string code, string file, int firstLine)
    {
        // #line makes compiler messages and stack traces name the cell or .dib file and its own line numbers.
        // TERMINAL_RUNNER lets code leave out what needs the kernel (setup.dib's guard), as F# scripts test INTERACTIVE.
        var mapped = $"#define {Symbol}\n#line {firstLine} \"{file.Replace("\"", "'", StringComparison.Ordinal)}\"\n{code}";
        var submissionOptions = options.WithFilePath(file);
        state = state is null
            ? CSharpScript.RunAsync(mapped, submissionOptions, globals, typeof(KernelGlobals)).GetAwaiter().GetResult()
            : state.ContinueWithAsync(mapped, submissionOptions).GetAwaiter().GetResult();

        if (HasValue(state.Script.GetCompilation())) output.Show(state.ReturnValue);
    }

    /// <summary>
    /// A submission has a value when it ends in an expression with no semicolon that is not void, as
    /// <c>tensor</c> or <c>Charts.Bars(...)</c>; a void call such as <c>Console.WriteLine(x)</c> shows nothing.
    /// </summary>
    private static bool HasValue(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.Single();
        if (tree.GetRoot() is not CompilationUnitSyntax unit
            || unit.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax last }
            || !last.SemicolonToken.IsMissing)
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(last.Expression).Type;
        return type is null || type.SpecialType != SpecialType.System_Void;
    }

    /// <summary>Compiler errors, one a line, each with the file, line and column it points at.</summary>
    public static string Describe(CompilationErrorException error)
    {
        var text = new StringBuilder();
        foreach (var diagnostic in error.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = diagnostic.Location.GetMappedLineSpan();
            text.Append(CultureInfo.InvariantCulture,
                $"  {span.Path} line {span.StartLinePosition.Line + 1}, column {span.StartLinePosition.Character + 1}: error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}\n");
        }
        return text.ToString().TrimEnd('\n');
    }
}
