using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// Every public entry point refuses null where its signature does not allow it, with an
/// ArgumentNullException naming the operation, never a NullReferenceException from inside. The
/// sweep finds methods by reflection, so a new public method is covered without a new test.
/// </summary>
public sealed class NullArgumentTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("null-argument-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static readonly Assembly[] Assemblies = [typeof(Tensor).Assembly, typeof(Foundations.Interactive.Charts).Assembly];

    private static readonly NullabilityInfoContext Nullability = new();

    // Text that only labels an output (a chart title, a check's description): null shows as nothing, harmlessly.
    private static readonly HashSet<string> Labels = ["what", "name", "message", "title", "xTitle", "yTitle", "prelude", "operation", "Name", "Label"];

    /// <summary>A harmless non-null value of a parameter type, or null when the sweep has none (the method is then reported).</summary>
    private object? Sample(Type type)
    {
        if (type == typeof(Tensor)) return Tensor.Ones(2, 2);
        if (type == typeof(float[])) return new float[] { 1, 2, 3, 4 };
        if (type == typeof(int[])) return new[] { 2, 2 };
        if (type == typeof(double[])) return new double[] { 1, 2 };
        if (type == typeof(float[,])) return new float[2, 2];
        if (type == typeof(float[,,])) return new float[2, 2, 1];
        if (type == typeof(string)) return Path.Combine(_temp, "missing");
        if (type == typeof(Func<double[], double>)) return (Func<double[], double>)(x => x.Sum());
        if (type == typeof(Func<float>)) return (Func<float>)(() => 0f);
        if (type == typeof(Action)) return (Action)(() => { });
        if (type == typeof(Module)) return new Relu();
        if (type == typeof(Module[])) return new Module[] { new Relu() };
        if (type == typeof(IEnumerable<Tensor>)) return new[] { Tensor.Ones(2) };
        if (type == typeof(Matrix<float>)) return Matrix<float>.Build.Dense(2, 2);
        if (type == typeof(IEnumerable<LayerStat>)) return new[] { new LayerStat(0, 0, "Relu", 0, 1) };
        if (type == typeof(IReadOnlyList<double>)) return new double[] { 1, 2 };
        if (type == typeof(IEnumerable<(string, IReadOnlyList<double>, IReadOnlyList<double>)>))
            return new[] { ("a", (IReadOnlyList<double>)[1.0, 2.0], (IReadOnlyList<double>)[3.0, 4.0]) };
        if (type == typeof((string, IReadOnlyList<LayerStat>)[]))
            return new[] { ("a", (IReadOnlyList<LayerStat>)[new LayerStat(0, 0, "Relu", 0, 1)]) };
        if (type == typeof((string, IReadOnlyList<LayerStat>, IReadOnlyList<LayerStat>)[]))
            return new[] { ("a", (IReadOnlyList<LayerStat>)[new LayerStat(0, 0, "Relu", 0, 1)], (IReadOnlyList<LayerStat>)[new LayerStat(0, 0, "Relu", 0, 1)]) };
        if (type == typeof(IEnumerable<Foundations.Interactive.LayerReference>)) return new[] { new Foundations.Interactive.LayerReference("target", Std: 1) };
        if (type == typeof(IEnumerable<(string, double)>)) return new[] { ("a", 1.0) };
        if (type == typeof(XPlot.Plotly.PlotlyChart)) return Foundations.Interactive.Charts.Bars("t", "y", [("a", 1.0)]);
        if (type == typeof(int)) return 2;
        if (type == typeof(float)) return 0.5f;
        if (type == typeof(double)) return 1e-3;
        if (type.IsValueType) return Activator.CreateInstance(type);
        return null;
    }

    private object? Instance(Type type)
    {
        if (type == typeof(Tensor)) return Tensor.Ones(2, 2);
        if (type == typeof(Lin) || type == typeof(Module)) return new Lin(2, 2);
        if (type == typeof(Relu)) return new Relu();
        if (type == typeof(Mse) || type == typeof(Loss)) return new Mse();
        if (type == typeof(OneHotMse)) return new OneHotMse();
        if (type == typeof(Sequential)) return new Sequential(new Relu());
        if (type == typeof(Sgd)) return new Sgd([Tensor.Ones(2)], 0.1f);
        if (type == typeof(TwoLayerModel)) return new TwoLayerModel(Tensor.Ones(2, 2), Tensor.Ones(2), Tensor.Ones(2, 1), Tensor.Ones(1));
        if (type == typeof(ActivationStats)) return new ActivationStats();
        if (type == typeof(Generator)) return new Generator(0);
        return null;
    }

    /// <summary>Every public method, constructor and property setter, with each non-nullable reference parameter.</summary>
    private static IEnumerable<(MethodBase Method, int Index)> NullableSlots()
    {
        foreach (var type in Assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            if (type.IsSubclassOf(typeof(Exception)) || typeof(Delegate).IsAssignableFrom(type)) continue;
            var members = type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Cast<MethodBase>()
                .Concat(type.IsAbstract ? [] : type.GetConstructors());
            foreach (var method in members)
            {
                // Records' generated members (Equals, Deconstruct, <Clone>$...) and Object's accept null or take none.
                if (method.Name is "Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "PrintMembers" or "<Clone>$"
                    || method.IsSpecialName && method.Name.StartsWith("get_")) continue;
                // Records' init-only setters run only inside an object initialiser.
                if (method is MethodInfo info && info.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit))) continue;
                var parameters = method.GetParameters();
                if (parameters.Any(p => p.ParameterType.IsByRefLike || p.ParameterType.IsByRef)) continue;
                for (int i = 0; i < parameters.Length; i++)
                {
                    var p = parameters[i];
                    if (p.ParameterType.IsValueType) continue;
                    if (Nullability.Create(p).WriteState == NullabilityState.Nullable) continue;
                    if (p.ParameterType == typeof(string) && Labels.Contains(p.Name!)) continue;
                    yield return (method, i);
                }
            }
        }
    }

    [Fact]
    public void EveryPublicEntryPoint_RefusesNull_WithAnArgumentNullException()
    {
        var problems = new List<string>();
        int tried = 0;
        foreach (var (method, index) in NullableSlots())
        {
            var parameters = method.GetParameters();
            var args = parameters.Select(p => Sample(p.ParameterType)).ToArray();
            string where = $"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", parameters.Select(p => p.ParameterType.Name))}) with {parameters[index].Name} = null";
            var missing = parameters.Where((p, i) => i != index && args[i] is null).ToList();
            object? instance = method.IsStatic || method is ConstructorInfo ? null : Instance(method.DeclaringType!);
            if (missing.Count > 0 || (!method.IsStatic && method is not ConstructorInfo && instance is null))
            {
                problems.Add($"{where}: the sweep has no sample for {string.Join(", ", missing.Select(p => p.ParameterType.Name).DefaultIfEmpty(method.DeclaringType!.Name))}");
                continue;
            }
            args[index] = null;
            tried++;
            Exception? thrown = null;
            try
            {
                if (method is ConstructorInfo constructor) constructor.Invoke(args);
                else method.Invoke(instance, args);
            }
            catch (TargetInvocationException e) { thrown = e.InnerException; }
            if (thrown is ArgumentNullException) continue;
            // A parameter checked against a list of allowed values (FashionMnist's split) may refuse null as one more bad value.
            if (thrown is ArgumentException { ParamName: var name } && name == parameters[index].Name) continue;
            problems.Add($"{where}: {(thrown is null ? "no exception" : $"{thrown.GetType().Name}: {thrown.Message}")}");
        }
        Assert.True(tried > 100, $"only {tried} calls tried");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheNamedCasesFromTheCatalogue_SayWhichOperation()
    {
        var t = Tensor.Ones(2, 2);
        AssertThrowsNaming<ArgumentNullException>(() => t.Add(null!), "Add", "other");
        AssertThrowsNaming<ArgumentNullException>(() => t.Gt(null!), "Gt");
        AssertThrowsNaming<ArgumentNullException>(() => null! + t, "Add");
        AssertThrowsNaming<ArgumentNullException>(() => t * null!, "Mul");
        AssertThrowsNaming<ArgumentNullException>(() => 2f * (Tensor)null!, "Mul");
        AssertThrowsNaming<ArgumentNullException>(() => -(Tensor)null!, "Neg");
        AssertThrowsNaming<ArgumentNullException>(() => t.CopyFrom(null!), "CopyFrom");
        AssertThrowsNaming<ArgumentNullException>(() => t[0] = null!, "index");
        AssertThrowsNaming<ArgumentNullException>(() => MatMulLadder.Into(t, t, null!), "MatMulLadder.Into", "destination");
        AssertThrowsNaming<ArgumentNullException>(() => MatMulLadder.Simd(t, null!), "MatMulLadder.Simd");
        AssertThrowsNaming<ArgumentNullException>(() => t.Reshape(null!), "Reshape");
        AssertThrowsNaming<ArgumentNullException>(() => t.Expand(null!), "Expand");
        AssertThrowsNaming<ArgumentNullException>(() => new Generator(0).Normal(null!), "Generator.Normal");
        AssertThrowsNaming<ArgumentNullException>(() => new Sequential(null!), "Sequential");
        AssertThrowsNaming<ArgumentNullException>(() => new Sequential(new Relu(), null!), "Sequential", "module 1");
        AssertThrowsNaming<ArgumentNullException>(() => GradCheck.Numerical(null!, [1.0]), "GradCheck.Numerical");
        AssertThrowsNaming<ArgumentNullException>(() => GradCheck.Numerical(() => 0f, null!), "GradCheck.Numerical");
        AssertThrowsNaming<ArgumentNullException>(() => ActivationStats.Of(null!), "ActivationStats.Of");
        AssertThrowsNaming<ArgumentNullException>(() => t.MatMul(null!), "MatMul", "b");
        AssertThrowsNaming<ArgumentNullException>(() => Classification.CrossEntropy(null!, t), "Classification.CrossEntropy", "logits");
        AssertThrowsNaming<ArgumentNullException>(() => new Sgd(null!, 0.1f), "Sgd");
        AssertThrowsNaming<ArgumentNullException>(() => Foundations.Interactive.ChartHtml.InlinePrelude(null!), "ChartHtml.InlinePrelude");
        AssertThrowsNaming<ArgumentNullException>(() => Foundations.Interactive.Charts.Lines("t", "x", "y", [("a", null!, [1.0])]), "Charts.Lines", "a");
        AssertThrowsNaming<ArgumentNullException>(() => Foundations.Interactive.Charts.LayerStats([null!], "t"), "Charts.LayerStats");
        AssertThrowsNaming<ArgumentNullException>(() => Foundations.Interactive.Charts.LayerStats("t", false, ("a", null!)), "Charts.LayerStats", "a");
    }
}
